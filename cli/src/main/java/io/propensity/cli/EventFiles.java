package io.propensity.cli;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.sources.csv.CsvHeaderException;
import io.propensity.sources.csv.EventImport;
import io.propensity.sources.csv.EventSourceFormats;
import io.propensity.sources.csv.RowError;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads event logs in the importers' formats (generic, retailrocket, rees46) for predict and
 * replay.
 */
final class EventFiles {
  private EventFiles() {}

  /** Opens a log; a missing file, an unknown format or a bad header is a usage error (exit 2). */
  static EventImport open(Path file, String format, Map<String, String> options) {
    if (!Files.isReadable(file)) {
      throw new CliException("cannot read " + file, 2);
    }
    EventSourceFormats fmt;
    try {
      fmt = EventSourceFormats.byName(format);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
    try {
      return fmt.importer(options, EventValidator.systemDefault()).open(file);
    } catch (CsvHeaderException | IllegalArgumentException e) {
      throw new CliException(file + ": " + e.getMessage(), 2);
    }
  }

  /**
   * Reads at most {@code limit} events, sorted by time, reporting bad rows (at most 10 listed).
   * Exit 2 when the file holds no valid event.
   */
  static List<Event> readSorted(
      Path file, String format, Map<String, String> options, int limit, PrintWriter out) {
    List<Event> events = new ArrayList<>();
    try (EventImport rows = open(file, format, options)) {
      while (rows.hasNext() && events.size() < limit) {
        events.add(rows.next());
      }
      var report = rows.report();
      if (report.rejected() > 0) {
        out.printf("%s: %,d bad rows skipped%n", file, report.rejected());
        int shown = 0;
        for (RowError e : report.errors()) {
          if (shown++ == 10) {
            break;
          }
          out.println("  " + e);
        }
      }
      report.abortReason().ifPresent(r -> out.println("  import stopped: " + r));
      if (rows.hasNext()) {
        out.printf("%s: read the first %,d events (--limit)%n", file, limit);
      }
    }
    if (events.isEmpty()) {
      throw new CliException(file + " holds no valid event", 2);
    }
    events.sort(Comparator.comparing(Event::occurredAt));
    out.flush();
    return events;
  }
}
