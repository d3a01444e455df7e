package io.propensity.sources.csv;

import io.propensity.engine.event.Event;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes events as CSV in the layout of {@link GenericCsvFormat#defaults()}, header first, so that
 * {@link GenericCsvImporter} with default options reads back exactly the same events (times in ISO
 * 8601 to the nanosecond, dwell in milliseconds with decimals, attributes URL-encoded).
 */
public final class GenericCsvWriter implements Closeable, Flushable {

  /** The header this writer writes, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "event_id",
          "user_id",
          "session_id",
          "occurred_at",
          "type",
          "page",
          "item_id",
          "category",
          "price",
          "quantity",
          "dwell_ms",
          "device",
          "traffic_source",
          "attributes");

  private final CSVPrinter printer;
  private final Object[] row = new Object[COLUMNS.size()];
  private long written;

  /** Writes the header now; the writer is closed by {@link #close()}. */
  public GenericCsvWriter(Writer out) {
    try {
      this.printer = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get().print(out);
      printer.printRecord(COLUMNS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The format that reads this writer's output. */
  public static GenericCsvFormat format() {
    return GenericCsvFormat.defaults();
  }

  public void write(Event e) {
    row[0] = e.eventId();
    row[1] = e.userId();
    row[2] = e.sessionId().orElse("");
    row[3] = e.occurredAt().toString();
    row[4] = e.type().name();
    row[5] = e.page().orElse("");
    row[6] = e.itemId().orElse("");
    row[7] = e.category().orElse("");
    row[8] = e.price().isPresent() ? decimal(e.price().getAsDouble()) : "";
    row[9] = Integer.toString(e.quantity());
    row[10] =
        e.dwell()
            .map(
                d ->
                    BigDecimal.valueOf(d.toNanos())
                        .movePointLeft(6)
                        .stripTrailingZeros()
                        .toPlainString())
            .orElse("");
    row[11] = e.device().orElse("");
    row[12] = e.trafficSource().orElse("");
    row[13] = AttributeCodec.encode(e.attributes());
    try {
      printer.printRecord(row);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    written++;
  }

  /** Writes every event of the iterator, in order. */
  public void writeAll(Iterator<Event> events) {
    events.forEachRemaining(this::write);
  }

  /** Writes every event of the stream, in encounter order. */
  public void writeAll(Stream<Event> events) {
    events.forEachOrdered(this::write);
  }

  /** Events written so far. */
  public long written() {
    return written;
  }

  @Override
  public void flush() {
    try {
      printer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      printer.close(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Shortest text that parses back to the same double; never an exponent. */
  private static String decimal(double d) {
    if (!Double.isFinite(d)) {
      return Double.toString(d); // not valid input anyway; written as is so the problem shows
    }
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
