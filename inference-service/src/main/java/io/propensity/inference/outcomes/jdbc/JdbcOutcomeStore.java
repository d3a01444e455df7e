package io.propensity.inference.outcomes.jdbc;

import io.propensity.inference.outcomes.OutcomeStatus;
import io.propensity.inference.outcomes.OutcomeStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link OutcomeStore} in the served-prediction log's database (SQLite or PostgreSQL; the same SQL
 * on both: {@code ON CONFLICT} upserts exist in both).
 */
public final class JdbcOutcomeStore implements OutcomeStore {
  private static final String UPSERT =
      "INSERT INTO served_outcomes (request_id, row_index, model_alias, model_version,"
          + " served_at_micros, model_name, status, known_at_micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (request_id, row_index, model_alias, model_version, served_at_micros)"
          + " DO UPDATE SET status = excluded.status, known_at_micros = excluded.known_at_micros";
  private static final String ADVANCE =
      "INSERT INTO outcome_watermarks (model_name, model_version, served_at_micros, row_id,"
          + " updated_at_micros) VALUES (?, ?, ?, ?, ?) ON CONFLICT (model_name, model_version)"
          + " DO UPDATE SET served_at_micros = excluded.served_at_micros, row_id = excluded.row_id,"
          + " updated_at_micros = excluded.updated_at_micros"
          + " WHERE outcome_watermarks.served_at_micros < excluded.served_at_micros"
          + " OR (outcome_watermarks.served_at_micros = excluded.served_at_micros"
          + " AND outcome_watermarks.row_id < excluded.row_id)";

  private final DataSource ds;

  public JdbcOutcomeStore(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public List<VersionKey> servedVersions() {
    List<VersionKey> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT DISTINCT model_name, model_version FROM served_predictions"
                    + " ORDER BY model_name, model_version");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(new VersionKey(r.getString(1), r.getLong(2)));
      }
      return out;
    } catch (SQLException e) {
      throw failed("read served versions", e);
    }
  }

  @Override
  public List<Served> servedAfter(VersionKey version, Mark after, Instant before, int limit) {
    List<Served> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, request_id, row_index, model_alias, served_at_micros, user_id"
                    + " FROM served_predictions WHERE model_name = ? AND model_version = ?"
                    + " AND (served_at_micros > ? OR (served_at_micros = ? AND id > ?))"
                    + " AND served_at_micros < ? ORDER BY served_at_micros, id LIMIT ?")) {
      s.setString(1, version.modelName());
      s.setLong(2, version.version());
      s.setLong(3, after.servedAtMicros());
      s.setLong(4, after.servedAtMicros());
      s.setLong(5, after.rowId());
      s.setLong(6, micros(before));
      s.setInt(7, limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          long micros = r.getLong(5);
          out.add(
              new Served(
                  new Mark(micros, r.getLong(1)),
                  new ServedKey(
                      r.getString(2), r.getInt(3), r.getString(4), version.version(), micros),
                  Optional.ofNullable(r.getString(6)),
                  fromMicros(micros)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failed("read served predictions", e);
    }
  }

  @Override
  public void upsert(List<Joined> outcomes) {
    if (outcomes.isEmpty()) {
      return;
    }
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(UPSERT)) {
        for (Joined j : outcomes) {
          s.setString(1, j.key().requestId());
          s.setInt(2, j.key().rowIndex());
          s.setString(3, j.key().modelAlias());
          s.setLong(4, j.key().modelVersion());
          s.setLong(5, j.key().servedAtMicros());
          s.setString(6, j.modelName());
          s.setString(7, j.status().name());
          s.setLong(8, micros(j.knownAt()));
          s.addBatch();
        }
        s.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failed("store outcomes", e);
    }
  }

  @Override
  public Optional<Mark> watermark(VersionKey version) {
    try (Connection c = ds.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT served_at_micros, row_id FROM outcome_watermarks"
                    + " WHERE model_name = ? AND model_version = ?")) {
      s.setString(1, version.modelName());
      s.setLong(2, version.version());
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new Mark(r.getLong(1), r.getLong(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failed("read the watermark", e);
    }
  }

  @Override
  public void advance(VersionKey version, Mark mark, Instant now) {
    try (Connection c = ds.getConnection();
        PreparedStatement s = c.prepareStatement(ADVANCE)) {
      s.setString(1, version.modelName());
      s.setLong(2, version.version());
      s.setLong(3, mark.servedAtMicros());
      s.setLong(4, mark.rowId());
      s.setLong(5, micros(now));
      s.executeUpdate();
    } catch (SQLException e) {
      throw failed("advance the watermark", e);
    }
  }

  @Override
  public Map<ServedKey, Joined> outcomes(String modelName, Instant from, Instant to) {
    Map<ServedKey, Joined> out = new HashMap<>();
    try (Connection c = ds.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT request_id, row_index, model_alias, model_version, served_at_micros,"
                    + " status, known_at_micros FROM served_outcomes WHERE model_name = ?"
                    + " AND served_at_micros >= ? AND served_at_micros < ?")) {
      s.setString(1, modelName);
      s.setLong(2, micros(from));
      s.setLong(3, micros(to));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ServedKey key =
              new ServedKey(
                  r.getString(1), r.getInt(2), r.getString(3), r.getLong(4), r.getLong(5));
          out.put(
              key,
              new Joined(
                  key, modelName, OutcomeStatus.valueOf(r.getString(6)), fromMicros(r.getLong(7))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failed("read outcomes", e);
    }
  }

  @Override
  public Optional<Map<LocalDate, DayFingerprint>> dayFingerprints(
      String modelName, Instant from, Instant to) {
    Map<LocalDate, DayFingerprint> out = new HashMap<>();
    try (Connection c = ds.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT served_at_micros / 86400000000, count(*),"
                    + " sum(CASE WHEN status = 'POSITIVE' THEN 1 ELSE 0 END),"
                    + " sum(CASE WHEN status = 'NEGATIVE' THEN 1 ELSE 0 END),"
                    + " sum(known_at_micros / 1000000), max(known_at_micros)"
                    + " FROM served_outcomes WHERE model_name = ?"
                    + " AND served_at_micros >= ? AND served_at_micros < ?"
                    + " GROUP BY served_at_micros / 86400000000")) {
      s.setString(1, modelName);
      s.setLong(2, micros(from));
      s.setLong(3, micros(to));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.put(
              LocalDate.ofEpochDay(r.getLong(1)),
              new DayFingerprint(
                  r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6)));
        }
      }
      return Optional.of(out);
    } catch (SQLException e) {
      throw failed("read outcome fingerprints", e);
    }
  }

  private static IllegalStateException failed(String what, SQLException e) {
    return new IllegalStateException("outcome store: cannot " + what + ": " + e.getMessage(), e);
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static Instant fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
