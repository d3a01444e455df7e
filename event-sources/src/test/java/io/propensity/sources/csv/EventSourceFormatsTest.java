package io.propensity.sources.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.EventValidator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSourceFormatsTest {

  @Test
  void namesMapToTheirImporters() {
    assertThat(EventSourceFormats.byName("generic").importer())
        .isInstanceOf(GenericCsvImporter.class);
    assertThat(EventSourceFormats.byName("RetailRocket").importer())
        .isInstanceOf(RetailrocketCsvImporter.class);
    assertThat(EventSourceFormats.byName("rees46").importer())
        .isInstanceOf(Rees46CsvImporter.class);
    for (EventSourceFormats f : EventSourceFormats.values()) {
      assertThat(f.importer().formatName()).isEqualTo(f.cliName());
    }
  }

  @Test
  void genericOptionsReachTheFormat() {
    EventImporter importer =
        EventSourceFormats.GENERIC.importer(
            Map.of("user-column", "visitor", "delimiter", ";"), EventValidator.systemDefault());

    assertThat(((GenericCsvImporter) importer).format().userColumn()).isEqualTo("visitor");
    assertThat(((GenericCsvImporter) importer).format().delimiter()).isEqualTo(';');
  }

  @Test
  void unknownNamesAndStrayOptionsAreRejected() {
    assertThatThrownBy(() -> EventSourceFormats.byName("parquet"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("generic, retailrocket, rees46");
    assertThatThrownBy(
            () ->
                EventSourceFormats.REES46.importer(
                    Map.of("delimiter", ";"), EventValidator.systemDefault()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes no options");
  }
}
