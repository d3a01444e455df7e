package io.propensity.sources.csv;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Shared fixtures of the importer tests. */
final class CsvTestSupport {
  /** "Now" for the validator: after every test file's events. */
  static final Instant NOW = Instant.parse("2024-03-01T00:00:00Z");

  static final EventValidator VALIDATOR = new EventValidator(Clock.fixed(NOW, ZoneOffset.UTC));

  private CsvTestSupport() {}

  static Path resource(String name) {
    try {
      return Path.of(
          Objects.requireNonNull(CsvTestSupport.class.getResource("/" + name), name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Reader reader(String name) {
    return new InputStreamReader(
        Objects.requireNonNull(CsvTestSupport.class.getResourceAsStream("/" + name), name),
        StandardCharsets.UTF_8);
  }

  /** Imports everything, returning the events; the report goes into {@code report[0]}. */
  static List<Event> importAll(EventImporter importer, Reader reader, ImportReport[] report) {
    List<Event> events = new ArrayList<>();
    report[0] = importer.importAll(reader, events::add);
    return events;
  }
}
