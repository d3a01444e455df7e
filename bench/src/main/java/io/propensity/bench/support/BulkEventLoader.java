package io.propensity.bench.support;

import io.propensity.engine.event.Event;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
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
  private static final String COLUMNS =
      "event_id, user_id, session_id, occurred_at_ms, type, page, item_id, category, price,"
          + " quantity, dwell_ms, device, traffic_source, attributes, ingested_at_ms";
  private static final int ROWS_PER_TRANSACTION = 200_000;
  private static final com.fasterxml.jackson.core.JsonFactory JSON =
      new com.fasterxml.jackson.core.JsonFactory();

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
        ps.setString(1, e.eventId());
        ps.setString(2, e.userId());
        text(ps, 3, e.sessionId());
        ps.setLong(4, e.occurredAt().toEpochMilli());
        ps.setInt(5, e.type().ordinal());
        text(ps, 6, e.page());
        text(ps, 7, e.itemId());
        text(ps, 8, e.category());
        if (e.price().isPresent()) {
          ps.setDouble(9, e.price().getAsDouble());
        } else {
          ps.setNull(9, Types.DOUBLE);
        }
        ps.setInt(10, e.quantity());
        if (e.dwell().isPresent()) {
          ps.setLong(11, e.dwell().get().toMillis());
        } else {
          ps.setNull(11, Types.BIGINT);
        }
        text(ps, 12, e.device());
        text(ps, 13, e.trafficSource());
        if (e.attributes().isEmpty()) {
          ps.setNull(14, Types.VARCHAR);
        } else {
          ps.setString(14, json(e.attributes()));
        }
        ps.setLong(15, now);
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
        chunk.append(e.attributes().isEmpty() ? "\\N" : esc(json(e.attributes())));
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

  private static void text(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
    if (v.isPresent()) {
      ps.setString(i, v.get());
    } else {
      ps.setNull(i, Types.VARCHAR);
    }
  }

  /** Attributes as the store keeps them: one JSON object, keys sorted. */
  private static String json(java.util.Map<String, String> attributes) {
    java.io.StringWriter w = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      for (java.util.Map.Entry<String, String> a : new java.util.TreeMap<>(attributes).entrySet()) {
        g.writeStringField(a.getKey(), a.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
