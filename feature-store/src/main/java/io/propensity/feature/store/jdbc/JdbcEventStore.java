package io.propensity.feature.store.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.zaxxer.hikari.HikariDataSource;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.common.jdbc.SqlDialect;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.StoreException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Event store on SQLite (embedded default) or PostgreSQL, through plain JDBC. Schema changes are
 * Flyway migrations per dialect; writes are batched {@code INSERT … ON CONFLICT DO NOTHING} in one
 * transaction, so deduplication by event id holds even between concurrent writers.
 */
public final class JdbcEventStore implements EventStore {
  private static final String COLUMNS =
      "event_id, user_id, session_id, occurred_at_ms, type, page, item_id, category, price,"
          + " quantity, dwell_ms, device, traffic_source, attributes";
  private static final String INSERT =
      "INSERT INTO events ("
          + COLUMNS
          + ", ingested_at_ms)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING";
  private static final String ORDER = " ORDER BY occurred_at_ms, event_id";
  private static final EventType[] TYPES = EventType.values();
  private static final JsonFactory JSON = new JsonFactory();
  private static final int READ_FETCH_SIZE = 2_000;
  // Well under the bind-parameter limits of both dialects.
  private static final int IDS_PER_QUERY = 500;

  private final HikariDataSource dataSource;
  private final SqlDialect dialect;
  // SQLite allows one writer at a time; serialising here avoids busy-retry storms.
  private final ReentrantLock sqliteWriteLock = new ReentrantLock();

  private JdbcEventStore(HikariDataSource dataSource, SqlDialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  /** Opens (and migrates) the store at {@code jdbcUrl}. */
  public static JdbcEventStore open(String jdbcUrl, String user, String password, int poolSize) {
    SqlDialect dialect = SqlDialect.of(jdbcUrl);
    HikariDataSource ds =
        MigratedDataSource.open(
            new MigratedDataSource.Spec(
                jdbcUrl,
                user,
                password,
                poolSize,
                "events-" + dialect.name().toLowerCase(java.util.Locale.ROOT),
                dialect,
                Map.of(),
                dialect.migrationsLocation("db/migration"),
                "propensity_feature_schema_history"),
            e ->
                new StoreException(
                    "cannot migrate the event store at "
                        + MigratedDataSource.redact(jdbcUrl)
                        + ": "
                        + e.getMessage(),
                    e));
    return new JdbcEventStore(ds, dialect);
  }

  /** The dialect in use. */
  public SqlDialect dialect() {
    return dialect;
  }

  /** The campaigns kept in the same database as these events. */
  public JdbcCampaignStore campaigns() {
    return new JdbcCampaignStore(dataSource, dialect, sqliteWriteLock);
  }

  @Override
  public AppendResult append(List<Event> events) {
    if (events.isEmpty()) {
      return new AppendResult(List.of(), 0, List.of());
    }
    // The first occurrence of an id in the batch is the one offered to the store.
    List<Integer> firsts = new ArrayList<>(events.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      if (seen.add(events.get(i).eventId())) {
        firsts.add(i);
      }
    }
    boolean lock = dialect == SqlDialect.SQLITE;
    if (lock) {
      sqliteWriteLock.lock();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        long now = System.currentTimeMillis();
        for (int i : firsts) {
          bind(ps, events.get(i), now);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        List<Integer> taken = new ArrayList<>(0);
        Set<Integer> storedAt = new HashSet<>();
        for (int k = 0; k < counts.length; k++) {
          if (counts[k] > 0 || counts[k] == Statement.SUCCESS_NO_INFO) {
            storedAt.add(firsts.get(k));
          } else {
            taken.add(firsts.get(k));
          }
        }
        // The event holding each id: read for the ids already taken, in this transaction (a
        // concurrent writer's row is committed by now: the insert waited for it).
        Map<String, Event> holders = byId(c, taken, events);
        c.commit();
        List<Event> stored = new ArrayList<>(storedAt.size());
        List<EventStore.Conflict> conflicts = new ArrayList<>(0);
        int duplicates = 0;
        for (int i = 0; i < events.size(); i++) {
          Event e = events.get(i);
          if (storedAt.contains(i)) {
            stored.add(e);
            holders.put(e.eventId(), e);
            continue;
          }
          Event holder = holders.get(e.eventId());
          if (holder == null) {
            throw new StoreException(
                "event " + e.eventId() + " was neither stored nor found stored", null);
          }
          List<String> fields = asStored(e).differingFields(asStored(holder));
          if (fields.isEmpty()) {
            duplicates++;
          } else {
            conflicts.add(new EventStore.Conflict(i, e.eventId(), fields));
          }
        }
        return new AppendResult(stored, duplicates, conflicts);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot store events: " + e.getMessage(), e);
    } finally {
      if (lock) {
        sqliteWriteLock.unlock();
      }
    }
  }

  /** {@code e} as a row keeps it: times to the whole millisecond. */
  static Event asStored(Event e) {
    Event.Builder b = e.toBuilder().occurredAt(Instant.ofEpochMilli(e.occurredAt().toEpochMilli()));
    e.dwell().ifPresent(d -> b.dwell(Duration.ofMillis(d.toMillis())));
    return b.build();
  }

  /** The stored events holding the ids of {@code events} at {@code positions}, by id. */
  private static Map<String, Event> byId(Connection c, List<Integer> positions, List<Event> events)
      throws SQLException {
    Map<String, Event> out = new HashMap<>();
    for (int from = 0; from < positions.size(); from += IDS_PER_QUERY) {
      List<Integer> chunk =
          positions.subList(from, Math.min(positions.size(), from + IDS_PER_QUERY));
      String sql =
          "SELECT "
              + COLUMNS
              + " FROM events WHERE event_id IN ("
              + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"))
              + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, events.get(chunk.get(i)).eventId());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Event e = read(rs);
            out.put(e.eventId(), e);
          }
        }
      }
    }
    return out;
  }

  /**
   * The columns of one stored event row, in the order {@link #bindRow} binds them: for tools that
   * write rows in bulk (the start-up benchmark) exactly as {@code append} writes them.
   */
  public static final String ROW_COLUMNS = COLUMNS + ", ingested_at_ms";

  /**
   * Binds {@code e} as parameters 1–15 of an insert into {@link #ROW_COLUMNS}, with {@code
   * ingestedAtMs} as the storage time.
   */
  public static void bindRow(PreparedStatement ps, Event e, long ingestedAtMs) throws SQLException {
    bind(ps, e, ingestedAtMs);
  }

  /** Attributes as the store keeps them: one JSON object, keys sorted. */
  public static String attributesJson(Map<String, String> attributes) {
    return toJson(attributes);
  }

  private static void bind(PreparedStatement ps, Event e, long now) throws SQLException {
    ps.setString(1, e.eventId());
    ps.setString(2, e.userId());
    setText(ps, 3, e.sessionId());
    ps.setLong(4, e.occurredAt().toEpochMilli());
    ps.setInt(5, e.type().ordinal());
    setText(ps, 6, e.page());
    setText(ps, 7, e.itemId());
    setText(ps, 8, e.category());
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
    setText(ps, 12, e.device());
    setText(ps, 13, e.trafficSource());
    if (e.attributes().isEmpty()) {
      ps.setNull(14, Types.VARCHAR);
    } else {
      ps.setString(14, toJson(e.attributes()));
    }
    ps.setLong(15, now);
  }

  private static void setText(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
    if (v.isPresent()) {
      ps.setString(i, v.get());
    } else {
      ps.setNull(i, Types.VARCHAR);
    }
  }

  @Override
  public List<Event> history(String userId) {
    return query(
        "SELECT " + COLUMNS + " FROM events WHERE user_id = ?" + ORDER,
        ps -> ps.setString(1, userId));
  }

  @Override
  public List<Event> historySince(String userId, Instant from) {
    return query(
        "SELECT " + COLUMNS + " FROM events WHERE user_id = ? AND occurred_at_ms >= ?" + ORDER,
        ps -> {
          ps.setString(1, userId);
          ps.setLong(2, from.toEpochMilli());
        });
  }

  @Override
  public List<Event> latest(int limit) {
    return query(
        "SELECT " + COLUMNS + " FROM events ORDER BY occurred_at_ms DESC, seq DESC LIMIT ?",
        ps -> ps.setInt(1, limit));
  }

  @Override
  public List<String> users(Optional<String> afterUserId, int limit) {
    String sql =
        afterUserId.isPresent()
            ? "SELECT DISTINCT user_id FROM events WHERE user_id > ? ORDER BY user_id LIMIT ?"
            : "SELECT DISTINCT user_id FROM events ORDER BY user_id LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (afterUserId.isPresent()) {
        ps.setString(i++, afterUserId.get());
      }
      ps.setInt(i, limit);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list users: " + e.getMessage(), e);
    }
  }

  @Override
  public List<UserActivity> userActivity(
      Optional<String> afterUserId,
      Optional<Instant> lastEventFrom,
      Optional<Instant> lastEventTo,
      int limit) {
    // A walk in user id order over the (user_id, occurred_at_ms) index: MIN, MAX and COUNT per user
    // come from the index alone, and LIMIT stops the walk after one page.
    StringBuilder sql =
        new StringBuilder(
            "SELECT user_id, MIN(occurred_at_ms), MAX(occurred_at_ms), COUNT(*) FROM events");
    if (afterUserId.isPresent()) {
      sql.append(" WHERE user_id > ?");
    }
    sql.append(" GROUP BY user_id");
    if (lastEventFrom.isPresent() || lastEventTo.isPresent()) {
      sql.append(" HAVING ");
      if (lastEventFrom.isPresent()) {
        sql.append("MAX(occurred_at_ms) >= ?");
      }
      if (lastEventTo.isPresent()) {
        sql.append(lastEventFrom.isPresent() ? " AND " : "").append("MAX(occurred_at_ms) <= ?");
      }
    }
    sql.append(" ORDER BY user_id LIMIT ?");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      if (afterUserId.isPresent()) {
        ps.setString(i++, afterUserId.get());
      }
      if (lastEventFrom.isPresent()) {
        ps.setLong(i++, ceilMillis(lastEventFrom.get()));
      }
      if (lastEventTo.isPresent()) {
        ps.setLong(i++, lastEventTo.get().toEpochMilli());
      }
      ps.setInt(i, limit);
      List<UserActivity> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new UserActivity(
                  rs.getString(1),
                  Instant.ofEpochMilli(rs.getLong(2)),
                  Instant.ofEpochMilli(rs.getLong(3)),
                  rs.getLong(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list user activity: " + e.getMessage(), e);
    }
  }

  @Override
  public RecentHistory newestHistory(String userId, Optional<Instant> since, int limit) {
    // Newest first over the (user_id, occurred_at_ms) index, one row more than asked to learn
    // whether older events remain; then back to time order.
    List<Event> newestFirst =
        query(
            "SELECT "
                + COLUMNS
                + " FROM events WHERE user_id = ?"
                + (since.isPresent() ? " AND occurred_at_ms >= ?" : "")
                + " ORDER BY occurred_at_ms DESC, event_id DESC LIMIT ?",
            ps -> {
              int i = 1;
              ps.setString(i++, userId);
              if (since.isPresent()) {
                ps.setLong(i++, ceilMillis(since.get()));
              }
              ps.setInt(i, limit + 1);
            });
    boolean truncated = newestFirst.size() > limit;
    List<Event> events =
        new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    java.util.Collections.reverse(events);
    return new RecentHistory(events, truncated);
  }

  @Override
  public void forEachUser(Consumer<UserHistory> consumer) {
    forEachUserUpTo(Long.MAX_VALUE, consumer);
  }

  @Override
  public void forEachUserUpTo(long upToMark, Consumer<UserHistory> consumer) {
    List<Event> buffer = new ArrayList<>();
    String[] user = new String[1];
    scan(
        "SELECT "
            + COLUMNS
            + " FROM events"
            + (upToMark == Long.MAX_VALUE ? "" : " WHERE seq <= " + upToMark)
            + " ORDER BY user_id, occurred_at_ms, event_id",
        ps -> {},
        e -> {
          if (user[0] != null && !user[0].equals(e.userId())) {
            consumer.accept(new UserHistory(user[0], List.copyOf(buffer)));
            buffer.clear();
          }
          user[0] = e.userId();
          buffer.add(e);
        });
    if (user[0] != null) {
      consumer.accept(new UserHistory(user[0], List.copyOf(buffer)));
    }
  }

  @Override
  public void forEachEventSince(Instant from, Consumer<Event> consumer) {
    scan(
        "SELECT "
            + COLUMNS
            + " FROM events WHERE occurred_at_ms >= ? ORDER BY user_id, occurred_at_ms, event_id",
        ps -> ps.setLong(1, from.toEpochMilli()),
        consumer);
  }

  @Override
  public long highWaterMark() {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT MAX(seq) FROM events")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("cannot read the storage high-water mark: " + e.getMessage(), e);
    }
  }

  @Override
  public long forEachStoredBetween(long afterMark, long upToMark, Consumer<Event> consumer) {
    long[] n = new long[1];
    scan(
        "SELECT " + COLUMNS + " FROM events WHERE seq > ? AND seq <= ? ORDER BY seq",
        ps -> {
          ps.setLong(1, afterMark);
          ps.setLong(2, upToMark);
        },
        e -> {
          n[0]++;
          consumer.accept(e);
        });
    return n[0];
  }

  @Override
  public long approximateEvents() {
    // PostgreSQL: the statistics' live-row estimate, instant (neither COUNT(*) nor MAX(seq): a
    // count scans, and identity values are also used up by inserts that hit ON CONFLICT).
    // SQLite keeps no such estimate: an exact count over the smallest index (about a second per
    // ten million events).
    String sql =
        dialect == SqlDialect.POSTGRESQL
            ? "SELECT GREATEST(n_live_tup, 0) FROM pg_stat_user_tables"
                + " WHERE relid = 'events'::regclass"
            : "SELECT COUNT(*) FROM events";
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot estimate the number of events: " + e.getMessage(), e);
    }
  }

  @Override
  public StoreStatistics statistics() {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      long events;
      long users;
      Optional<Instant> first = Optional.empty();
      Optional<Instant> last = Optional.empty();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT COUNT(*), COUNT(DISTINCT user_id), MIN(occurred_at_ms), MAX(occurred_at_ms) FROM events")) {
        rs.next();
        events = rs.getLong(1);
        users = rs.getLong(2);
        long min = rs.getLong(3);
        if (!rs.wasNull()) {
          first = Optional.of(Instant.ofEpochMilli(min));
          last = Optional.of(Instant.ofEpochMilli(rs.getLong(4)));
        }
      }
      Map<EventType, Long> byType = new EnumMap<>(EventType.class);
      try (ResultSet rs = st.executeQuery("SELECT type, COUNT(*) FROM events GROUP BY type")) {
        while (rs.next()) {
          byType.put(TYPES[rs.getInt(1)], rs.getLong(2));
        }
      }
      Map<LocalDate, Long> byDay = new TreeMap<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT occurred_at_ms / 86400000 AS d, COUNT(*) FROM events GROUP BY occurred_at_ms / 86400000")) {
        while (rs.next()) {
          byDay.put(LocalDate.ofEpochDay(rs.getLong(1)), rs.getLong(2));
        }
      }
      return new StoreStatistics(events, users, first, last, byType, new LinkedHashMap<>(byDay));
    } catch (SQLException e) {
      throw new StoreException("cannot compute statistics: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private List<Event> query(String sql, Binder binder) {
    List<Event> out = new ArrayList<>();
    scan(sql, binder, out::add);
    return out;
  }

  private void scan(String sql, Binder binder, Consumer<Event> consumer) {
    try (Connection c = dataSource.getConnection()) {
      // PostgreSQL only streams with a cursor inside a transaction; otherwise it buffers
      // everything.
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setFetchSize(READ_FETCH_SIZE);
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            consumer.accept(read(rs));
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read events: " + e.getMessage(), e);
    }
  }

  private static Event read(ResultSet rs) throws SQLException {
    Event.Builder b =
        Event.builder(
                rs.getString(1),
                rs.getString(2),
                Instant.ofEpochMilli(rs.getLong(4)),
                TYPES[rs.getInt(5)])
            .sessionId(rs.getString(3))
            .page(rs.getString(6))
            .itemId(rs.getString(7))
            .category(rs.getString(8));
    double price = rs.getDouble(9);
    if (!rs.wasNull()) {
      b.price(price);
    }
    b.quantity(rs.getInt(10));
    long dwell = rs.getLong(11);
    if (!rs.wasNull()) {
      b.dwell(Duration.ofMillis(dwell));
    }
    b.device(rs.getString(12)).trafficSource(rs.getString(13));
    String attributes = rs.getString(14);
    if (attributes != null) {
      b.attributes(fromJson(attributes));
    }
    return b.build();
  }

  static String toJson(Map<String, String> attributes) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      for (Map.Entry<String, String> a : new TreeMap<>(attributes).entrySet()) {
        g.writeStringField(a.getKey(), a.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  static Map<String, String> fromJson(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new StoreException("stored attributes are not a JSON object: " + json, null);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        out.put(key, p.getValueAsString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Times are stored in whole milliseconds: "at or after t" starts at the first millisecond not
   * before t.
   */
  private static long ceilMillis(Instant t) {
    long ms = t.toEpochMilli();
    return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
  }
}
