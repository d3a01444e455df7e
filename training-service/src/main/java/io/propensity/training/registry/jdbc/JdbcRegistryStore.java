package io.propensity.training.registry.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.common.jdbc.SqlDialect;
import io.propensity.training.registry.AliasChange;
import io.propensity.training.registry.AliasExpectation;
import io.propensity.training.registry.AliasMove;
import io.propensity.training.registry.BlobInfo;
import io.propensity.training.registry.BlobKind;
import io.propensity.training.registry.BlobSource;
import io.propensity.training.registry.Metric;
import io.propensity.training.registry.ModelSummary;
import io.propensity.training.registry.ModelVersionRecord;
import io.propensity.training.registry.NewModelVersion;
import io.propensity.training.registry.RegistryStore;
import io.propensity.training.registry.RegistryStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Registry store on SQLite (embedded default) or PostgreSQL, through plain JDBC; schema changes are
 * Flyway migrations per dialect.
 *
 * <p>Files live in the database, as 1 MiB rows of {@code blob_chunks}, rather than as files under
 * the data directory: the bytes and the version row then commit in one transaction (a reader never
 * sees a version without its artifact, a failed upload leaves nothing behind), backups and restores
 * cover everything at once, and the PostgreSQL backend works for registry processes on different
 * hosts that share no file system. Artifacts are LightGBM text models, kilobytes to tens of
 * megabytes, well within what both engines store comfortably.
 *
 * <p>Version numbers come from a per-model counter row incremented under its row lock, so
 * concurrent registrations get consecutive numbers and a rolled-back one uses up none. Alias
 * changes are serialised (a transaction-scoped advisory lock on PostgreSQL, the single writer on
 * SQLite), so the ids of {@code alias_changes} commit in increasing order and the watch feed can
 * follow them with a simple "id greater than the last one seen".
 */
public final class JdbcRegistryStore implements RegistryStore {
  /** Key of the PostgreSQL advisory lock every alias change (and the watch snapshot) takes. */
  private static final long ALIAS_LOCK_KEY = 0x7072_6f70_7265_6731L;

  private static final Metric[] METRICS = Metric.values();
  private static final String METRIC_COLUMNS =
      "metric_f1, metric_precision, metric_recall, metric_roc_auc, metric_pr_auc, metric_log_loss, metric_brier";
  private static final String VERSION_COLUMNS =
      "v.name, v.version, v.created_at_ms, v.target, v.feature_schema_hash, v.threshold, v.artifact_format,"
          + " v.artifact_sha256, v.artifact_size_bytes, v.report_sha256, v.report_size_bytes, v.metric_f1,"
          + " v.metric_precision, v.metric_recall, v.metric_roc_auc, v.metric_pr_auc, v.metric_log_loss,"
          + " v.metric_brier, v.details, a.alias";
  private static final int FIRST_METRIC_COLUMN = 12;
  private static final int DETAILS_COLUMN = 19;
  private static final int ALIAS_COLUMN = 20;

  private final HikariDataSource dataSource;
  private final SqlDialect dialect;
  // SQLite allows one writer at a time; serialising this process's writers avoids busy-retry
  // storms.
  private final ReentrantLock sqliteWriteLock = new ReentrantLock();

  private JdbcRegistryStore(HikariDataSource dataSource, SqlDialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  /** Opens (and migrates) the registry database at {@code jdbcUrl}. */
  public static JdbcRegistryStore open(String jdbcUrl, String user, String password, int poolSize) {
    SqlDialect dialect = SqlDialect.of(jdbcUrl);
    HikariDataSource ds =
        MigratedDataSource.open(
            new MigratedDataSource.Spec(
                jdbcUrl,
                user,
                password,
                poolSize,
                "registry-" + dialect.name().toLowerCase(Locale.ROOT),
                dialect,
                // Write transactions take the write lock up front (BEGIN IMMEDIATE), so a second
                // registry
                // process on the same file waits for it instead of failing with SQLITE_BUSY halfway
                // through.
                Map.of("transaction_mode", "IMMEDIATE"),
                dialect.migrationsLocation("db/registry"),
                "propensity_registry_schema_history"),
            e ->
                new RegistryStoreException(
                    "cannot migrate the model registry at "
                        + MigratedDataSource.redact(jdbcUrl)
                        + ": "
                        + e.getMessage(),
                    e));
    return new JdbcRegistryStore(ds, dialect);
  }

  /** The dialect in use. */
  public SqlDialect dialect() {
    return dialect;
  }

  // ---------------------------------------------------------------------------------------------
  // registration

  @Override
  public ModelVersionRecord insertVersion(
      NewModelVersion v, BlobSource artifact, Optional<BlobSource> report, Instant now) {
    return write(
        "register a version of model '" + v.name() + "'",
        false,
        c -> {
          // The bytes go in first, under fresh ids; the version row that makes them reachable is
          // written last, and all of it commits (or not) together.
          String artifactId = UUID.randomUUID().toString();
          BlobInfo artifactInfo = writeBlob(c, artifactId, artifact, "artifact");
          checkExpected(artifactInfo, v.expectedArtifact(), "artifact");
          Optional<String> reportId = Optional.empty();
          Optional<BlobInfo> reportInfo = Optional.empty();
          if (report.isPresent()) {
            reportId = Optional.of(UUID.randomUUID().toString());
            reportInfo = Optional.of(writeBlob(c, reportId.get(), report.get(), "report"));
            checkExpected(reportInfo.get(), v.expectedReport(), "report");
          }
          long version = nextVersion(c, v.name(), now);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO model_versions (name, version, created_at_ms, target, feature_schema_hash,"
                      + " threshold, artifact_format, artifact_blob_id, artifact_sha256, artifact_size_bytes,"
                      + " report_blob_id, report_sha256, report_size_bytes, "
                      + METRIC_COLUMNS
                      + ", details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, v.name());
            ps.setLong(2, version);
            ps.setLong(3, now.toEpochMilli());
            setText(ps, 4, v.target());
            ps.setString(5, v.featureSchemaHash());
            ps.setDouble(6, v.threshold());
            ps.setString(7, v.artifactFormat());
            ps.setString(8, artifactId);
            ps.setString(9, artifactInfo.sha256());
            ps.setLong(10, artifactInfo.sizeBytes());
            setText(ps, 11, reportId);
            setText(ps, 12, reportInfo.map(BlobInfo::sha256));
            if (reportInfo.isPresent()) {
              ps.setLong(13, reportInfo.get().sizeBytes());
            } else {
              ps.setNull(13, Types.BIGINT);
            }
            int i = 14;
            for (Metric m : METRICS) {
              Double value = v.metrics().get(m);
              if (value == null) {
                ps.setNull(i++, Types.DOUBLE);
              } else {
                ps.setDouble(i++, value);
              }
            }
            ps.setBytes(i, v.details());
            ps.executeUpdate();
          }
          return new ModelVersionRecord(
              v.name(),
              version,
              Instant.ofEpochMilli(now.toEpochMilli()),
              v.target(),
              v.featureSchemaHash(),
              v.threshold(),
              v.artifactFormat(),
              artifactInfo,
              reportInfo,
              v.metrics(),
              Set.of(),
              v.details());
        });
  }

  /** Assigns the next number of {@code name}, holding the model row's lock until commit. */
  private static long nextVersion(Connection c, String name, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO models (name, latest_version, created_at_ms, updated_at_ms) VALUES (?, 1, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET latest_version = models.latest_version + 1,"
                + " updated_at_ms = excluded.updated_at_ms")) {
      ps.setString(1, name);
      ps.setLong(2, now.toEpochMilli());
      ps.setLong(3, now.toEpochMilli());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT latest_version FROM models WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static BlobInfo writeBlob(Connection c, String blobId, BlobSource source, String what)
      throws SQLException {
    MessageDigest sha = sha256();
    long size = 0;
    try (InputStream in = source.open();
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)")) {
      int seq = 0;
      while (true) {
        byte[] piece = in.readNBytes(CHUNK_BYTES);
        if (piece.length == 0) {
          break;
        }
        sha.update(piece);
        size += piece.length;
        ps.setString(1, blobId);
        ps.setInt(2, seq++);
        ps.setBytes(3, piece);
        ps.executeUpdate();
        if (piece.length < CHUNK_BYTES) {
          break;
        }
      }
    } catch (IOException e) {
      throw new RegistryStoreException(
          "cannot read the " + what + " to register: " + e.getMessage(), e);
    }
    if (size == 0) {
      throw InvalidInputException.of(what, "is empty; a " + what + " has at least 1 byte");
    }
    return new BlobInfo(HexFormat.of().formatHex(sha.digest()), size);
  }

  private static void checkExpected(BlobInfo actual, Optional<BlobInfo> expected, String what) {
    if (expected.isEmpty()) {
      return;
    }
    if (expected.get().sizeBytes() != actual.sizeBytes()) {
      throw InvalidInputException.of(
          what + "_size_bytes",
          "announced "
              + expected.get().sizeBytes()
              + " bytes but "
              + actual.sizeBytes()
              + " were uploaded");
    }
    if (!expected.get().sha256().equals(actual.sha256())) {
      throw InvalidInputException.of(
          what + "_sha256",
          "announced "
              + expected.get().sha256()
              + " but the uploaded bytes hash to "
              + actual.sha256());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // reads

  @Override
  public Optional<ModelVersionRecord> findVersion(String name, long version) {
    return read(
        "read version " + version + " of model '" + name + "'",
        c -> {
          List<ModelVersionRecord> found =
              queryVersions(
                  c,
                  "SELECT "
                      + VERSION_COLUMNS
                      + " FROM model_versions v LEFT JOIN aliases a"
                      + " ON a.name = v.name AND a.version = v.version"
                      + " WHERE v.name = ? AND v.version = ? ORDER BY a.alias",
                  ps -> {
                    ps.setString(1, name);
                    ps.setLong(2, version);
                  });
          return found.stream().findFirst();
        });
  }

  @Override
  public Optional<ModelVersionRecord> findLatest(String name) {
    return read(
        "read the latest version of model '" + name + "'",
        c -> {
          List<ModelVersionRecord> found =
              queryVersions(
                  c,
                  "SELECT "
                      + VERSION_COLUMNS
                      + " FROM models m JOIN model_versions v"
                      + " ON v.name = m.name AND v.version = m.latest_version LEFT JOIN aliases a"
                      + " ON a.name = v.name AND a.version = v.version WHERE m.name = ? ORDER BY a.alias",
                  ps -> ps.setString(1, name));
          return found.stream().findFirst();
        });
  }

  @Override
  public OptionalLong aliasTarget(String name, String alias) {
    return read(
        "read alias '" + alias + "' of model '" + name + "'", c -> aliasTarget(c, name, alias));
  }

  private static OptionalLong aliasTarget(Connection c, String name, String alias)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT version FROM aliases WHERE name = ? AND alias = ?")) {
      ps.setString(1, name);
      ps.setString(2, alias);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  @Override
  public boolean modelExists(String name) {
    return read("look up model '" + name + "'", c -> latestVersion(c, name).isPresent());
  }

  private static OptionalLong latestVersion(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT latest_version FROM models WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  @Override
  public List<ModelVersionRecord> listVersions(String name, OptionalLong beforeVersion, int limit) {
    return read(
        "list the versions of model '" + name + "'",
        c ->
            queryVersions(
                c,
                "SELECT "
                    + VERSION_COLUMNS
                    + " FROM (SELECT * FROM model_versions WHERE name = ? AND version < ?"
                    + " ORDER BY version DESC LIMIT ?) v LEFT JOIN aliases a"
                    + " ON a.name = v.name AND a.version = v.version ORDER BY v.version DESC, a.alias",
                ps -> {
                  ps.setString(1, name);
                  ps.setLong(2, beforeVersion.orElse(Long.MAX_VALUE));
                  ps.setInt(3, limit);
                }));
  }

  @Override
  public List<ModelSummary> listModels(Optional<String> afterName, int limit) {
    return read(
        "list models",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT m.name, m.latest_version, m.created_at_ms, m.updated_at_ms, v.target, a.alias, a.version"
                      + " FROM (SELECT * FROM models WHERE name > ? ORDER BY name LIMIT ?) m"
                      + " JOIN model_versions v ON v.name = m.name AND v.version = m.latest_version"
                      + " LEFT JOIN aliases a ON a.name = m.name ORDER BY m.name, a.alias")) {
            ps.setString(1, afterName.orElse(""));
            ps.setInt(2, limit);
            Map<String, ModelSummary> models = new LinkedHashMap<>();
            Map<String, Map<String, Long>> aliases = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String name = rs.getString(1);
                if (!models.containsKey(name)) {
                  long latest = rs.getLong(2);
                  models.put(
                      name,
                      new ModelSummary(
                          name,
                          latest,
                          latest,
                          Map.of(),
                          Optional.ofNullable(rs.getString(5)),
                          Instant.ofEpochMilli(rs.getLong(3)),
                          Instant.ofEpochMilli(rs.getLong(4))));
                }
                String alias = rs.getString(6);
                if (alias != null) {
                  aliases.computeIfAbsent(name, k -> new TreeMap<>()).put(alias, rs.getLong(7));
                }
              }
            }
            List<ModelSummary> out = new ArrayList<>(models.size());
            for (ModelSummary m : models.values()) {
              Map<String, Long> a = aliases.getOrDefault(m.name(), Map.of());
              out.add(
                  new ModelSummary(
                      m.name(),
                      m.latestVersion(),
                      m.versionCount(),
                      a,
                      m.target(),
                      m.createdAt(),
                      m.updatedAt()));
            }
            return out;
          }
        });
  }

  @Override
  public byte[] readBlob(String name, long version, BlobKind kind, long offset, int maxLength) {
    String what = kind == BlobKind.ARTIFACT ? "artifact" : "report";
    return read(
        "read the " + what + " of version " + version + " of model '" + name + "'",
        c -> {
          String blobId;
          long size;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + what
                      + "_blob_id, "
                      + what
                      + "_size_bytes FROM model_versions WHERE name = ? AND version = ?")) {
            ps.setString(1, name);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new NotFoundException("model '" + name + "' has no version " + version);
              }
              blobId = rs.getString(1);
              size = rs.getLong(2);
            }
          }
          if (blobId == null) {
            throw new NotFoundException(
                "version " + version + " of model '" + name + "' has no " + what);
          }
          if (offset < 0 || offset > size) {
            throw InvalidInputException.of(
                "offset", offset + " is outside 0 to the " + what + " size " + size);
          }
          int length = (int) Math.min(maxLength, size - offset);
          byte[] out = new byte[length];
          if (length == 0) {
            return out;
          }
          long first = offset / CHUNK_BYTES;
          long last = (offset + length - 1) / CHUNK_BYTES;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, data FROM blob_chunks WHERE blob_id = ? AND seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setString(1, blobId);
            ps.setLong(2, first);
            ps.setLong(3, last);
            int filled = 0;
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long chunkStart = rs.getLong(1) * CHUNK_BYTES;
                byte[] data = rs.getBytes(2);
                int from = (int) Math.max(0, offset + filled - chunkStart);
                int n = Math.min(data.length - from, length - filled);
                System.arraycopy(data, from, out, filled, n);
                filled += n;
              }
            }
            if (filled != length) {
              throw new RegistryStoreException(
                  "the "
                      + what
                      + " of version "
                      + version
                      + " of model '"
                      + name
                      + "' is incomplete in the database",
                  null);
            }
          }
          return out;
        });
  }

  // ---------------------------------------------------------------------------------------------
  // aliases

  @Override
  public AliasMove setAlias(
      String name, String alias, long version, AliasExpectation expected, Instant now) {
    return write(
        "set alias '" + alias + "' of model '" + name + "'",
        true,
        c -> {
          requireVersion(c, name, version);
          OptionalLong current = aliasTarget(c, name, alias);
          checkExpectation(name, alias, current, expected);
          if (current.isPresent() && current.getAsLong() == version) {
            return new AliasMove(readVersion(c, name, version), current, false);
          }
          moveAlias(c, name, alias, version, now);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO alias_changes (name, alias, version, previous_version, kind, undone, changed_at_ms)"
                      + " VALUES (?, ?, ?, ?, 'SET', 0, ?)")) {
            ps.setString(1, name);
            ps.setString(2, alias);
            ps.setLong(3, version);
            setLong(ps, 4, current);
            ps.setLong(5, now.toEpochMilli());
            ps.executeUpdate();
          }
          return new AliasMove(readVersion(c, name, version), current, true);
        });
  }

  @Override
  public AliasMove rollback(String name, String alias, Instant now) {
    return write(
        "roll back alias '" + alias + "' of model '" + name + "'",
        true,
        c -> {
          OptionalLong current = aliasTarget(c, name, alias);
          if (current.isEmpty()) {
            if (latestVersion(c, name).isEmpty()) {
              throw new NotFoundException("model '" + name + "' does not exist");
            }
            throw new NotFoundException("model '" + name + "' has no alias '" + alias + "'");
          }
          long setId = -1;
          OptionalLong before = OptionalLong.empty();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, previous_version FROM alias_changes WHERE name = ? AND alias = ? AND kind = 'SET'"
                      + " AND undone = 0 ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, name);
            ps.setString(2, alias);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                setId = rs.getLong(1);
                long previous = rs.getLong(2);
                before = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(previous);
              }
            }
          }
          if (before.isEmpty()) {
            throw new FailedPreconditionException(
                "alias '"
                    + alias
                    + "' of model '"
                    + name
                    + "' has no earlier version to roll back to: it points at"
                    + " version "
                    + current.getAsLong()
                    + ", the first version it was set to (or already rolled"
                    + " back to)");
          }
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE alias_changes SET undone = 1 WHERE id = ?")) {
            ps.setLong(1, setId);
            ps.executeUpdate();
          }
          long target = before.getAsLong();
          moveAlias(c, name, alias, target, now);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO alias_changes (name, alias, version, previous_version, kind, undone, changed_at_ms)"
                      + " VALUES (?, ?, ?, ?, 'ROLLBACK', 0, ?)")) {
            ps.setString(1, name);
            ps.setString(2, alias);
            ps.setLong(3, target);
            ps.setLong(4, current.getAsLong());
            ps.setLong(5, now.toEpochMilli());
            ps.executeUpdate();
          }
          return new AliasMove(readVersion(c, name, target), current, true);
        });
  }

  private static void requireVersion(Connection c, String name, long version) throws SQLException {
    OptionalLong latest = latestVersion(c, name);
    if (latest.isEmpty()) {
      throw new NotFoundException("model '" + name + "' does not exist");
    }
    if (version < 1 || version > latest.getAsLong()) {
      throw new NotFoundException(
          "model '"
              + name
              + "' has no version "
              + version
              + " (latest is "
              + latest.getAsLong()
              + ")");
    }
  }

  private static void checkExpectation(
      String name, String alias, OptionalLong current, AliasExpectation expected) {
    String subject = "alias '" + alias + "' of model '" + name + "'";
    String now =
        current.isPresent() ? "points at version " + current.getAsLong() : "does not exist";
    if (expected instanceof AliasExpectation.Absent && current.isPresent()) {
      throw new FailedPreconditionException(
          subject + " " + now + ", expected it not to exist; nothing changed");
    }
    if (expected instanceof AliasExpectation.At at
        && (current.isEmpty() || current.getAsLong() != at.version())) {
      throw new FailedPreconditionException(
          subject + " " + now + ", expected version " + at.version() + "; nothing changed");
    }
  }

  private static void moveAlias(Connection c, String name, String alias, long version, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO aliases (name, alias, version, changed_at_ms) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version,"
                + " changed_at_ms = excluded.changed_at_ms")) {
      ps.setString(1, name);
      ps.setString(2, alias);
      ps.setLong(3, version);
      ps.setLong(4, now.toEpochMilli());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE models SET updated_at_ms = ? WHERE name = ?")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setString(2, name);
      ps.executeUpdate();
    }
  }

  private ModelVersionRecord readVersion(Connection c, String name, long version)
      throws SQLException {
    List<ModelVersionRecord> found =
        queryVersions(
            c,
            "SELECT "
                + VERSION_COLUMNS
                + " FROM model_versions v LEFT JOIN aliases a"
                + " ON a.name = v.name AND a.version = v.version WHERE v.name = ? AND v.version = ? ORDER BY a.alias",
            ps -> {
              ps.setString(1, name);
              ps.setLong(2, version);
            });
    if (found.isEmpty()) {
      throw new NotFoundException("model '" + name + "' has no version " + version);
    }
    return found.get(0);
  }

  // ---------------------------------------------------------------------------------------------
  // change feed

  @Override
  public AliasSnapshot aliasSnapshot(Set<String> names) {
    return write(
        "read the current aliases",
        true,
        c -> {
          List<AliasChange> aliases = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT name, alias, version, changed_at_ms FROM aliases ORDER BY name, alias");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String name = rs.getString(1);
              if (names.isEmpty() || names.contains(name)) {
                aliases.add(
                    new AliasChange(
                        0,
                        name,
                        rs.getString(2),
                        rs.getLong(3),
                        OptionalLong.empty(),
                        AliasChange.Kind.INITIAL,
                        Instant.ofEpochMilli(rs.getLong(4))));
              }
            }
          }
          return new AliasSnapshot(aliases, lastChangeId(c));
        });
  }

  @Override
  public long lastChangeId() {
    return read("read the change feed", JdbcRegistryStore::lastChangeId);
  }

  private static long lastChangeId(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM alias_changes");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public List<AliasChange> changesAfter(long afterId, int limit) {
    return read(
        "read the change feed",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, name, alias, version, previous_version, kind, changed_at_ms FROM alias_changes"
                      + " WHERE id > ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            List<AliasChange> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long previous = rs.getLong(5);
                OptionalLong prev = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(previous);
                out.add(
                    new AliasChange(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        prev,
                        AliasChange.Kind.valueOf(rs.getString(6)),
                        Instant.ofEpochMilli(rs.getLong(7))));
              }
            }
            return out;
          }
        });
  }

  @Override
  public void close() {
    dataSource.close();
  }

  // ---------------------------------------------------------------------------------------------
  // plumbing

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** One auto-committed read; a single statement reads one consistent snapshot. */
  private <T> T read(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new RegistryStoreException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  /** One write transaction; {@code aliasLock} serialises it with every other alias change. */
  private <T> T write(String what, boolean aliasLock, Work<T> work) {
    boolean sqlite = dialect == SqlDialect.SQLITE;
    if (sqlite) {
      sqliteWriteLock.lock();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (aliasLock && !sqlite) {
          try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, ALIAS_LOCK_KEY);
            ps.execute();
          }
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new RegistryStoreException("cannot " + what + ": " + e.getMessage(), e);
    } finally {
      if (sqlite) {
        sqliteWriteLock.unlock();
      }
    }
  }

  private static List<ModelVersionRecord> queryVersions(Connection c, String sql, Binder binder)
      throws SQLException {
    // One row per (version, alias): fold the aliases of consecutive rows into their version.
    List<ModelVersionRecord> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        ModelVersionRecord current = null;
        Set<String> aliases = new TreeSet<>();
        while (rs.next()) {
          long version = rs.getLong(2);
          if (current == null || current.version() != version) {
            if (current != null) {
              out.add(current.withAliases(aliases));
              aliases = new TreeSet<>();
            }
            current = readRecord(rs);
          }
          String alias = rs.getString(ALIAS_COLUMN);
          if (alias != null) {
            aliases.add(alias);
          }
        }
        if (current != null) {
          out.add(current.withAliases(aliases));
        }
      }
    }
    return out;
  }

  private static ModelVersionRecord readRecord(ResultSet rs) throws SQLException {
    Optional<BlobInfo> report = Optional.empty();
    String reportSha = rs.getString(10);
    if (reportSha != null) {
      report = Optional.of(new BlobInfo(reportSha, rs.getLong(11)));
    }
    Map<Metric, Double> metrics = new EnumMap<>(Metric.class);
    for (int i = 0; i < METRICS.length; i++) {
      double value = rs.getDouble(FIRST_METRIC_COLUMN + i);
      if (!rs.wasNull()) {
        metrics.put(METRICS[i], value);
      }
    }
    return new ModelVersionRecord(
        rs.getString(1),
        rs.getLong(2),
        Instant.ofEpochMilli(rs.getLong(3)),
        Optional.ofNullable(rs.getString(4)),
        rs.getString(5),
        rs.getDouble(6),
        rs.getString(7),
        new BlobInfo(rs.getString(8), rs.getLong(9)),
        report,
        metrics,
        Set.of(),
        rs.getBytes(DETAILS_COLUMN));
  }

  private static void setText(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
    if (v.isPresent()) {
      ps.setString(i, v.get());
    } else {
      ps.setNull(i, Types.VARCHAR);
    }
  }

  private static void setLong(PreparedStatement ps, int i, OptionalLong v) throws SQLException {
    if (v.isPresent()) {
      ps.setLong(i, v.getAsLong());
    } else {
      ps.setNull(i, Types.BIGINT);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
