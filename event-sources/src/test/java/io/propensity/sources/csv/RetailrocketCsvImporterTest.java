package io.propensity.sources.csv;

import static io.propensity.sources.csv.CsvTestSupport.VALIDATOR;
import static io.propensity.sources.csv.CsvTestSupport.importAll;
import static io.propensity.sources.csv.CsvTestSupport.reader;
import static io.propensity.sources.csv.CsvTestSupport.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetailrocketCsvImporterTest {

  private final RetailrocketCsvImporter importer = new RetailrocketCsvImporter(VALIDATOR);

  @Test
  void mapsViewsCartAddsAndTransactions() {
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(importer, reader("retailrocket/events.csv"), report);

    assertThat(events)
        .extracting(Event::type)
        .containsExactly(
            EventType.PRODUCT_VIEW,
            EventType.PRODUCT_VIEW,
            EventType.ADD_TO_CART,
            EventType.PURCHASE);
    Event first = events.get(0);
    assertThat(first.userId()).isEqualTo("257597");
    assertThat(first.itemId()).contains("355908");
    assertThat(first.occurredAt()).isEqualTo(Instant.ofEpochMilli(1433221332117L));
    assertThat(first.price()).isEmpty();
    assertThat(first.sessionId()).isEmpty();
    assertThat(first.attributes()).isEmpty();
    assertThat(first.eventId()).startsWith("rr-");
    assertThat(events.get(3).attributes()).isEqualTo(Map.of("transaction_id", "4000"));
  }

  @Test
  void reportsEveryBadRowWithItsLine() {
    ImportReport[] report = new ImportReport[1];
    importAll(importer, reader("retailrocket/events.csv"), report);

    assertThat(report[0].imported()).isEqualTo(4);
    assertThat(report[0].rejected()).isEqualTo(4);
    assertThat(report[0].errors()).extracting(RowError::lineNumber).containsExactly(6L, 7L, 8L, 9L);
    assertThat(report[0].errors())
        .extracting(RowError::column)
        .containsExactly(
            Optional.of("event"),
            Optional.of("visitorid"),
            Optional.of("timestamp"),
            Optional.empty());
    assertThat(report[0].errors().get(0).reason()).contains("'click'", "view, addtocart");
    assertThat(report[0].errors().get(3).reason()).contains("expected 5 columns");
  }

  @Test
  void aWrongHeaderIsAWholeFileError() {
    assertThatThrownBy(() -> importer.open(resource("retailrocket/wrong-header.csv")))
        .isInstanceOf(CsvHeaderException.class)
        .hasMessageContaining("timestamp")
        .hasMessageContaining("Retailrocket");
  }
}
