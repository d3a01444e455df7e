package io.propensity.inference.predictionlog.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.common.jdbc.SqlDialect;
import io.propensity.engine.features.FeatureType;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.PredictionLogStore;
import io.propensity.inference.predictionlog.PredictionPage;
import io.propensity.inference.predictionlog.PredictionQuery;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.predictionlog.ServedPrediction.LoggedFactor;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The served-prediction log in SQL: embedded SQLite or PostgreSQL, migrated by Flyway from {@code
 * db/predictionlog/<dialect>}. Feature values are stored compactly (8 bytes a value) with their
 * SHA-256; each schema's names, types and levels once, in {@code served_prediction_schemas}.
 */
public final class JdbcPredictionLogStore implements PredictionLogStore {
  private static final String INSERT =
      "INSERT INTO served_predictions (request_id, row_index, served_at_micros, endpoint, user_id,"
          + " model_name, model_version, model_alias, schema_hash, features, features_sha256,"
          + " probability, decision, threshold, cold_start, factors)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_SCHEMA =
      "INSERT INTO served_prediction_schemas (schema_hash, features) VALUES (?, ?)"
          + " ON CONFLICT (schema_hash) DO NOTHING";

  private final HikariDataSource ds;
  private final SqlDialect dialect;
  private final Set<String> recordedSchemas = ConcurrentHashMap.newKeySet();
  private final Map<String, LoggedSchema> schemaCache = new ConcurrentHashMap<>();

  private JdbcPredictionLogStore(HikariDataSource ds, SqlDialect dialect) {
    this.ds = ds;
    this.dialect = dialect;
  }

  /** Opens (and migrates) the store at {@code jdbcUrl}. */
  public static JdbcPredictionLogStore open(String jdbcUrl, String user, String password) {
    SqlDialect dialect = SqlDialect.of(jdbcUrl);
    HikariDataSource ds =
        MigratedDataSource.open(
            new MigratedDataSource.Spec(
                jdbcUrl,
                user,
                password,
                2,
                "prediction-log",
                dialect,
                // a lost last batch on a power cut is acceptable for a lossy log; fsync per commit
                // is not on a busy writer
                Map.of("synchronous", "NORMAL"),
                dialect.migrationsLocation("db/predictionlog"),
                "prediction_log_schema_history"),
            e ->
                new IllegalStateException(
                    "cannot migrate the prediction log at "
                        + MigratedDataSource.redact(jdbcUrl)
                        + ": "
                        + e.getMessage(),
                    e));
    return new JdbcPredictionLogStore(ds, dialect);
  }

  /** The backend. */
  public SqlDialect dialect() {
    return dialect;
  }

  /** The log's database, shared with the outcome join (its own tables, same migrations). */
  public javax.sql.DataSource dataSource() {
    return ds;
  }

  @Override
  public void append(List<ServedPrediction> batch) {
    if (batch.isEmpty()) {
      return;
    }
    MessageDigest sha256 = sha256();
    Map<double[], EncodedValues> encoded = new IdentityHashMap<>();
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        Map<String, LoggedSchema> fresh = new LinkedHashMap<>();
        for (ServedPrediction p : batch) {
          if (!recordedSchemas.contains(p.schema().hash())) {
            fresh.putIfAbsent(p.schema().hash(), p.schema());
          }
        }
        if (!fresh.isEmpty()) {
          try (PreparedStatement s = c.prepareStatement(INSERT_SCHEMA)) {
            for (LoggedSchema schema : fresh.values()) {
              s.setString(1, schema.hash());
              s.setString(2, encodeSchema(schema));
              s.addBatch();
            }
            s.executeBatch();
          }
        }
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
          for (ServedPrediction p : batch) {
            s.setString(1, p.requestId());
            s.setInt(2, p.rowIndex());
            s.setLong(3, micros(p.servedAt()));
            s.setString(4, p.endpoint().name());
            s.setString(5, p.userId().orElse(null));
            s.setString(6, p.modelName());
            s.setLong(7, p.modelVersion());
            s.setString(8, p.modelAlias());
            s.setString(9, p.schema().hash());
            if (p.hasFeatures()) {
              // a shadow's record shares production's array: encoded and hashed once per batch
              EncodedValues v =
                  encoded.computeIfAbsent(p.features(), f -> EncodedValues.of(f, sha256));
              s.setBytes(10, v.bytes());
              s.setString(11, v.sha256());
            } else {
              s.setNull(10, Types.BINARY);
              s.setNull(11, Types.VARCHAR);
            }
            s.setDouble(12, p.probability());
            s.setBoolean(13, p.decision());
            s.setDouble(14, p.threshold());
            s.setBoolean(15, p.coldStart());
            s.setString(16, encodeFactors(p.factors()));
            s.addBatch();
          }
          s.executeBatch();
        }
        c.commit();
        recordedSchemas.addAll(fresh.keySet());
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("prediction log write failed: " + e.getMessage(), e);
    }
  }

  @Override
  public PredictionPage list(PredictionQuery q) {
    return list(q, Optional.empty());
  }

  @Override
  public PredictionPage list(PredictionQuery q, Optional<String> modelAlias) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, request_id, row_index, served_at_micros, endpoint, user_id, model_name,"
                + " model_version, model_alias, schema_hash, features, probability, decision,"
                + " threshold, cold_start, factors FROM served_predictions WHERE id > ?");
    List<Object> args = new ArrayList<>();
    args.add(q.after());
    q.modelName().ifPresent(n -> add(sql, args, " AND model_name = ?", n));
    if (q.modelVersion().isPresent()) {
      add(sql, args, " AND model_version = ?", q.modelVersion().getAsLong());
    }
    q.from().ifPresent(t -> add(sql, args, " AND served_at_micros >= ?", micros(t)));
    q.to().ifPresent(t -> add(sql, args, " AND served_at_micros < ?", micros(t)));
    q.userId().ifPresent(u -> add(sql, args, " AND user_id = ?", u));
    modelAlias.ifPresent(a -> add(sql, args, " AND model_alias = ?", a));
    sql.append(" ORDER BY id LIMIT ?");
    args.add(q.limit() + 1);
    List<ServedPrediction> out = new ArrayList<>();
    long last = q.after();
    boolean more = false;
    Set<String> hashes = new LinkedHashSet<>();
    List<Object[]> raw = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement s = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        s.setObject(i + 1, args.get(i));
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          if (raw.size() == q.limit()) {
            more = true;
            break;
          }
          last = r.getLong(1);
          String hash = r.getString(10);
          hashes.add(hash);
          raw.add(
              new Object[] {
                r.getString(2),
                r.getInt(3),
                r.getLong(4),
                r.getString(5),
                r.getString(6),
                r.getString(7),
                r.getLong(8),
                r.getString(9),
                hash,
                r.getBytes(11),
                r.getDouble(12),
                r.getBoolean(13),
                r.getDouble(14),
                r.getBoolean(15),
                r.getString(16)
              });
        }
      }
      Map<String, LoggedSchema> schemas = schemas(c, hashes);
      for (Object[] a : raw) {
        byte[] f = (byte[]) a[9];
        out.add(
            new ServedPrediction(
                (String) a[0],
                (Integer) a[1],
                fromMicros((Long) a[2]),
                ServedEndpoint.valueOf((String) a[3]),
                Optional.ofNullable((String) a[4]),
                (String) a[5],
                (Long) a[6],
                (String) a[7],
                schemas.get((String) a[8]),
                f == null ? new double[0] : decodeValues(f),
                (Double) a[10],
                (Boolean) a[11],
                (Double) a[12],
                (Boolean) a[13],
                decodeFactors((String) a[14])));
      }
      return new PredictionPage(out, schemas, more ? OptionalLong.of(last) : OptionalLong.empty());
    } catch (SQLException e) {
      throw new IllegalStateException("prediction log read failed: " + e.getMessage(), e);
    }
  }

  private Map<String, LoggedSchema> schemas(Connection c, Set<String> hashes) throws SQLException {
    Map<String, LoggedSchema> out = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT features FROM served_prediction_schemas WHERE schema_hash = ?")) {
      for (String h : hashes) {
        LoggedSchema cached = schemaCache.get(h);
        if (cached == null) {
          s.setString(1, h);
          try (ResultSet r = s.executeQuery()) {
            cached = r.next() ? decodeSchema(h, r.getString(1)) : new LoggedSchema(h, List.of());
          }
          schemaCache.put(h, cached);
        }
        out.put(h, cached);
      }
    }
    return out;
  }

  @Override
  public long deleteServedBefore(Instant cutoff) {
    try (Connection c = ds.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM served_predictions WHERE served_at_micros < ?")) {
      s.setLong(1, micros(cutoff));
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("prediction log retention failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    ds.close();
  }

  private static void add(StringBuilder sql, List<Object> args, String clause, Object arg) {
    sql.append(clause);
    args.add(arg);
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static Instant fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** Values as little-endian IEEE 754 doubles, the bytes their SHA-256 is taken over. */
  public static byte[] encodeValues(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  private static double[] decodeValues(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    double[] out = new double[bytes.length / Double.BYTES];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getDouble();
    }
    return out;
  }

  /** A values array as stored: its bytes and their hex SHA-256. */
  private record EncodedValues(byte[] bytes, String sha256) {
    static EncodedValues of(double[] values, MessageDigest sha256) {
      byte[] bytes = encodeValues(values);
      return new EncodedValues(bytes, HexFormat.of().formatHex(sha256.digest(bytes)));
    }
  }

  /** Lower-case hex SHA-256 of {@link #encodeValues}. */
  public static String valuesSha256(double[] values) {
    return HexFormat.of().formatHex(sha256().digest(encodeValues(values)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String encodeFactors(List<LoggedFactor> factors) {
    StringBuilder b = new StringBuilder();
    for (LoggedFactor f : factors) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(enc(f.feature())).append(' ').append(f.value()).append(' ').append(f.contribution());
    }
    return b.toString();
  }

  private static List<LoggedFactor> decodeFactors(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    List<LoggedFactor> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] p = line.split(" ");
      out.add(new LoggedFactor(dec(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2])));
    }
    return out;
  }

  private static String encodeSchema(LoggedSchema schema) {
    StringBuilder b = new StringBuilder();
    for (LoggedSchema.Feature f : schema.features()) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(enc(f.name())).append(' ').append(f.type().map(Enum::name).orElse("-"));
      for (String level : f.categories()) {
        b.append(' ').append(enc(level));
      }
    }
    return b.toString();
  }

  private static LoggedSchema decodeSchema(String hash, String text) {
    List<LoggedSchema.Feature> features = new ArrayList<>();
    if (!text.isEmpty()) {
      for (String line : text.split("\n")) {
        String[] p = line.split(" ");
        List<String> levels = new ArrayList<>();
        for (int i = 2; i < p.length; i++) {
          levels.add(dec(p[i]));
        }
        Optional<FeatureType> type =
            p[1].equals("-") ? Optional.empty() : Optional.of(FeatureType.valueOf(p[1]));
        features.add(new LoggedSchema.Feature(dec(p[0]), type, levels));
      }
    }
    return new LoggedSchema(hash, features);
  }
}
