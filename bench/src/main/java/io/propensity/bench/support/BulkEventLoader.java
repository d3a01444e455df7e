package io.propensity.bench.support;

import io.propensity.engine.event.Event;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes many generated events straight into a (migrated) event store's table, bypassing
 * feature-service, to set up a large store in minutes: PostgreSQL by {@code COPY}, SQLite by
 * prepared-statement batches in large transactions with {@code synchronous=OFF} on this connection
 * only. The rows are those {@code JdbcEventStore.append} writes (same columns and encodings,
 * attributes as a JSON object with sorted keys). Not a path for real data: no validation, no
 * deduplication.
 */
public final class BulkEventLoader {
  private static final String COLUMNS = JdbcEventStore.ROW_COLUMNS;
  private static final int ROWS_PER_TRANSACTION = 200_000;

  private BulkEventLoader() {}

  /** Writes the next {@code n} events of {@code events} into {@code store}; returns how many. */
  public static long load(StoreBackend store, Iterator<Event> events, long n) {
    // migrations first, as the service would run them
    store.open().close();
    try (Connection c =
        DriverManager.getConnection(store.jdbcUrl(), store.user(), store.password())) {
      return store.name().equals("postgresql") ? copy(c, events, n) : batches(c, events, n);
    } catch (SQLException e) {
      throw new IllegalStateException("bulk load failed: " + e.getMessage(), e);
    }
  }

  private static long batches(Connection c, Iterator<Event> events, long n) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA synchronous=OFF");
    }
    c.setAutoCommit(false);
    long written = 0;
    long now = System.currentTimeMillis();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO events (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      while (written < n && events.hasNext()) {
        Event e = events.next();
        JdbcEventStore.bindRow(ps, e, now);
        ps.addBatch();
        written++;
        if (written % 10_000 == 0) {
          ps.executeBatch();
        }
        if (written % ROWS_PER_TRANSACTION == 0) {
          c.commit();
        }
      }
      ps.executeBatch();
      c.commit();
    }
    return written;
  }

  private static long copy(Connection c, Iterator<Event> events, long n) throws SQLException {
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    long written = 0;
    long now = System.currentTimeMillis();
    StringBuilder chunk = new StringBuilder(1 << 22);
    try {
      while (written < n && events.hasNext()) {
        Event e = events.next();
        chunk.append(esc(e.eventId())).append('\t');
        chunk.append(esc(e.userId())).append('\t');
        chunk.append(opt(e.sessionId())).append('\t');
        chunk.append(e.occurredAt().toEpochMilli()).append('\t');
        chunk.append(e.type().ordinal()).append('\t');
        chunk.append(opt(e.page())).append('\t');
        chunk.append(opt(e.itemId())).append('\t');
        chunk.append(opt(e.category())).append('\t');
        chunk.append(e.price().isPresent() ? Double.toString(e.price().getAsDouble()) : "\\N");
        chunk.append('\t').append(e.quantity()).append('\t');
        chunk.append(e.dwell().isPresent() ? Long.toString(e.dwell().get().toMillis()) : "\\N");
        chunk.append('\t').append(opt(e.device())).append('\t');
        chunk.append(opt(e.trafficSource())).append('\t');
        chunk.append(
            e.attributes().isEmpty() ? "\\N" : esc(JdbcEventStore.attributesJson(e.attributes())));
        chunk.append('\t').append(now).append('\n');
        written++;
        if (written % ROWS_PER_TRANSACTION == 0) {
          flush(copy, chunk);
        }
      }
      flush(copy, chunk);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return written;
  }

  private static void flush(CopyManager copy, StringBuilder chunk)
      throws SQLException, IOException {
    if (chunk.length() > 0) {
      copy.copyIn("COPY events (" + COLUMNS + ") FROM STDIN", new StringReader(chunk.toString()));
      chunk.setLength(0);
    }
  }

  private static String opt(Optional<String> v) {
    return v.isPresent() ? esc(v.get()) : "\\N";
  }

  private static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }
}
