package io.propensity.sources.csv;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the three CSV importers: any bytes read as a UTF-8 file either end in
 * a {@link CsvHeaderException} (nothing importable: empty, malformed header, a required column
 * missing) or in an {@link ImportReport} whose counts add up, with every rejected row explained;
 * never another exception. Hangs are caught by the fuzzer's per-input timeout ({@code
 * .ci/fuzz.sh}). A normal build replays the committed corpus ({@code CsvImportersFuzzTestInputs/}).
 */
class CsvImportersFuzzTest {

  /** A fixed "now", so that what counts as the future does not change between runs. */
  private static final EventValidator VALIDATOR =
      new EventValidator(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  @FuzzTest(maxDuration = "10m")
  void anyGenericFileEndsInAReportOrAHeaderError(byte[] file) {
    importAndCheck(EventSourceFormats.GENERIC, file);
  }

  @FuzzTest(maxDuration = "10m")
  void anyRees46FileEndsInAReportOrAHeaderError(byte[] file) {
    importAndCheck(EventSourceFormats.REES46, file);
  }

  @FuzzTest(maxDuration = "10m")
  void anyRetailrocketFileEndsInAReportOrAHeaderError(byte[] file) {
    importAndCheck(EventSourceFormats.RETAILROCKET, file);
  }

  private static void importAndCheck(EventSourceFormats format, byte[] file) {
    EventImporter importer = format.importer(Map.of(), VALIDATOR);
    List<Event> events = new ArrayList<>();
    ImportReport report;
    try (Reader reader =
        new InputStreamReader(new ByteArrayInputStream(file), StandardCharsets.UTF_8)) {
      report = importer.importAll(reader, events::add);
    } catch (CsvHeaderException refused) {
      assertThat(refused.getMessage()).as("a header error says what is wrong").isNotBlank();
      return;
    } catch (java.io.IOException e) {
      throw new AssertionError("closing an in-memory reader failed", e);
    }
    assertThat(report.imported()).as("imported = events passed on").isEqualTo(events.size());
    assertThat(report.imported() + report.rejected())
        .as("every row read is imported or rejected: %s", report.summary())
        .isEqualTo(report.rowsRead());
    assertThat(report.errorCount())
        .as("every rejected row has at least one error: %s", report.summary())
        .isGreaterThanOrEqualTo(report.rejected());
    assertThat(report.errors()).allSatisfy(e -> assertThat(e.reason()).isNotBlank());
    for (Event e : events) {
      assertThat(VALIDATOR.validate(e)).as("an imported event is valid: %s", e).isEmpty();
    }
  }
}
