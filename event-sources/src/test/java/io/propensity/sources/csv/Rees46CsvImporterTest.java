package io.propensity.sources.csv;

import static io.propensity.sources.csv.CsvTestSupport.VALIDATOR;
import static io.propensity.sources.csv.CsvTestSupport.importAll;
import static io.propensity.sources.csv.CsvTestSupport.reader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class Rees46CsvImporterTest {

  private final Rees46CsvImporter importer = new Rees46CsvImporter(VALIDATOR);

  @Test
  void mapsEveryColumn() {
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(importer, reader("rees46/events.csv"), report);

    assertThat(events)
        .extracting(Event::type)
        .containsExactly(
            EventType.PRODUCT_VIEW,
            EventType.PRODUCT_VIEW,
            EventType.ADD_TO_CART,
            EventType.REMOVE_FROM_CART,
            EventType.PURCHASE);
    Event noCode = events.get(0);
    assertThat(noCode.occurredAt()).isEqualTo(Instant.parse("2019-10-01T00:00:00Z"));
    assertThat(noCode.userId()).isEqualTo("541312140");
    assertThat(noCode.sessionId()).contains("72d76fde-8bb3-4e00-8c23-a032dfed738c");
    assertThat(noCode.itemId()).contains("44600062");
    assertThat(noCode.category()).contains("2103807459595387724");
    assertThat(noCode.price()).isEqualTo(OptionalDouble.of(35.79));
    assertThat(noCode.attributes()).isEqualTo(Map.of("brand", "shiseido"));
    assertThat(noCode.eventId()).startsWith("rees46-");
    Event coded = events.get(1);
    assertThat(coded.category()).contains("appliances.environment.water_heater");
    assertThat(coded.attributes())
        .isEqualTo(Map.of("brand", "aqua", "category_id", "2053013552326770905"));
    assertThat(events.get(2).category()).contains("furniture.living_room,sofa");
    assertThat(events.get(2).attributes()).doesNotContainKey("brand");
    assertThat(events.get(4).sessionId()).isEmpty();
  }

  @Test
  void reportsEveryBadRowWithItsLine() {
    ImportReport[] report = new ImportReport[1];
    importAll(importer, reader("rees46/events.csv"), report);

    assertThat(report[0].imported()).isEqualTo(5);
    assertThat(report[0].rejected()).isEqualTo(4);
    assertThat(report[0].errors())
        .extracting(RowError::lineNumber)
        .containsExactly(7L, 8L, 9L, 10L);
    assertThat(report[0].errors())
        .extracting(RowError::column)
        .containsExactly(
            Optional.of("price"),
            Optional.of("event_type"),
            Optional.of("event_time"),
            Optional.of("user_id"));
    assertThat(report[0].errors().get(0).reason()).isEqualTo("price: -251.74 is negative");
    assertThat(report[0].errors().get(1).reason()).contains("'wishlist'");
    assertThat(report[0].errors().get(2).reason()).contains("'2019-13-01 00:00:12 UTC'");
  }

  @Test
  void sameRowsGetTheSameDerivedIds() {
    List<Event> a = importAll(importer, reader("rees46/events.csv"), new ImportReport[1]);
    List<Event> b = importAll(importer, reader("rees46/events.csv"), new ImportReport[1]);

    assertThat(a).extracting(Event::eventId).doesNotHaveDuplicates();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void missingRequiredColumnsAreAllNamed() {
    assertThatThrownBy(() -> importer.open(reader("rees46/missing-columns.csv")))
        .isInstanceOf(CsvHeaderException.class)
        .hasMessageContaining("columns product_id, user_id of the REES46 format");
  }
}
