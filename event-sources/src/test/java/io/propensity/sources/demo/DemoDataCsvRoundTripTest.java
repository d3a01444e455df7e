package io.propensity.sources.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.sources.csv.GenericCsvImporter;
import io.propensity.sources.csv.GenericCsvWriter;
import io.propensity.sources.csv.ImportReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataCsvRoundTripTest {

  @Test
  void aGeneratedDatasetSavedAsCsvImportsBackIdentically(@TempDir Path dir) throws IOException {
    Instant end = Instant.parse("2024-03-01T00:00:00Z");
    DemoDataGenerator generator = new DemoDataGenerator(DemoConfig.defaults(300, end));
    Path file = dir.resolve("demo.csv");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        GenericCsvWriter csv = new GenericCsvWriter(w)) {
      csv.writeAll(generator.events());
    }
    List<Event> back = new ArrayList<>();
    ImportReport report =
        new GenericCsvImporter(
                GenericCsvWriter.format(), new EventValidator(Clock.fixed(end, ZoneOffset.UTC)))
            .importAll(file, back::add);

    List<Event> expected = generator.events().collect(Collectors.toList());
    assertThat(report.clean()).isTrue();
    assertThat(report.warnings()).isEmpty();
    assertThat(report.imported()).isEqualTo(expected.size());
    assertThat(back).isEqualTo(expected);
  }
}
