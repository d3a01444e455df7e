package io.propensity.training.registry.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.common.jdbc.SqlDialect;
import io.propensity.runtime.signing.ModelSignature;
import io.propensity.training.registry.AliasChange;
import io.propensity.training.registry.AliasExpectation;
import io.propensity.training.registry.AliasMove;
import io.propensity.training.registry.BlobInfo;
import io.propensity.training.registry.BlobKind;
import io.propensity.training.registry.BlobSource;
import io.propensity.training.registry.JobRequestClaim;
import io.propensity.training.registry.ModelSummary;
import io.propensity.training.registry.ModelVersionRecord;
import io.propensity.training.registry.NewModelVersion;
import io.propensity.training.registry.RegistryStore;
import io.propensity.training.registry.RegistryStoreException;
import io.propensity.training.registry.StorageQuota;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

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
 *
 * <p>Each table has its own class ({@link VersionRows}, {@link BlobChunks}, {@link AliasRows});
 * this one opens the database and runs their work in {@link JdbcTransactions}. A version's details
 * are stored as {@link VersionDetailsJson}.
 */
public final class JdbcRegistryStore implements RegistryStore {
  /** Flyway's schema history table of the registry. */
  public static final String HISTORY_TABLE = "propensity_registry_schema_history";

  private final JdbcTransactions db;
  private final SqlDialect dialect;

  private JdbcRegistryStore(JdbcTransactions db, SqlDialect dialect) {
    this.db = db;
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
                HISTORY_TABLE),
            e ->
                new RegistryStoreException(
                    "cannot migrate the model registry at "
                        + MigratedDataSource.redact(jdbcUrl)
                        + ": "
                        + messages(e),
                    e));
    return new JdbcRegistryStore(new JdbcTransactions(ds, dialect), dialect);
  }

  /**
   * The messages of {@code e} and of its causes, each said once: Flyway reports a failed Java
   * migration as "Migration failed !", and the reason (which version cannot be converted, and what
   * to do) is its cause's.
   */
  private static String messages(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().strip();
      if (!m.isEmpty() && out.indexOf(m) < 0) {
        out.append(out.length() == 0 ? "" : ": ").append(m);
      }
    }
    return out.toString();
  }

  /** The dialect in use. */
  public SqlDialect dialect() {
    return dialect;
  }

  @Override
  public ModelVersionRecord insertVersion(
      NewModelVersion v,
      BlobSource artifact,
      Optional<BlobSource> report,
      Optional<ModelSignature> signature,
      StorageQuota quota,
      Instant now) {
    return db.write(
        "register a version of model '" + v.name() + "'",
        false,
        c -> {
          // The bytes go in first, under fresh ids; the version row that makes them reachable is
          // written last, and all of it commits (or not) together.
          String artifactId = UUID.randomUUID().toString();
          BlobInfo artifactInfo = BlobChunks.write(c, artifactId, artifact, "artifact");
          artifactInfo.requireAnnounced(v.expectedArtifact(), "artifact");
          Optional<String> reportId = Optional.empty();
          Optional<BlobInfo> reportInfo = Optional.empty();
          if (report.isPresent()) {
            reportId = Optional.of(UUID.randomUUID().toString());
            reportInfo = Optional.of(BlobChunks.write(c, reportId.get(), report.get(), "report"));
            reportInfo.get().requireAnnounced(v.expectedReport(), "report");
          }
          // The quota is checked under a lock every registration takes (SQLite: the single
          // writer), held to commit, so two registrations cannot both fit in the last free bytes.
          db.lockStorage(c);
          VersionRows.StorageUse use = VersionRows.storageUse(c, v.name());
          quota.check(
              v.name(),
              use.modelBytes(),
              use.totalBytes(),
              artifactInfo.sizeBytes() + reportInfo.map(BlobInfo::sizeBytes).orElse(0L));
          long version = VersionRows.nextVersion(c, v.name(), now);
          VersionRows.insert(
              c, v, version, now, artifactId, artifactInfo, reportId, reportInfo, signature);
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
              v.details(),
              signature,
              v.uploadSignature());
        });
  }

  @Override
  public Optional<ModelVersionRecord> findVersion(String name, long version) {
    return db.read(
        "read version " + version + " of model '" + name + "'",
        c -> VersionRows.find(c, name, version));
  }

  @Override
  public Optional<ModelVersionRecord> findLatest(String name) {
    return db.read(
        "read the latest version of model '" + name + "'", c -> VersionRows.findLatest(c, name));
  }

  @Override
  public OptionalLong aliasTarget(String name, String alias) {
    return db.read(
        "read alias '" + alias + "' of model '" + name + "'",
        c -> AliasRows.target(c, name, alias));
  }

  @Override
  public boolean modelExists(String name) {
    return db.read(
        "look up model '" + name + "'", c -> VersionRows.latestVersion(c, name).isPresent());
  }

  @Override
  public List<ModelVersionRecord> listVersions(String name, OptionalLong beforeVersion, int limit) {
    return db.read(
        "list the versions of model '" + name + "'",
        c -> VersionRows.list(c, name, beforeVersion, limit));
  }

  @Override
  public List<ModelSummary> listModels(Optional<String> afterName, int limit) {
    return db.read("list models", c -> VersionRows.listModels(c, afterName, limit));
  }

  @Override
  public byte[] readBlob(String name, long version, BlobKind kind, long offset, int maxLength) {
    String what = kind == BlobKind.ARTIFACT ? "artifact" : "report";
    return db.read(
        "read the " + what + " of version " + version + " of model '" + name + "'",
        c -> BlobChunks.read(c, name, version, kind, offset, maxLength));
  }

  @Override
  public AliasMove setAlias(
      String name,
      String alias,
      long version,
      AliasExpectation expected,
      Instant now,
      String actor) {
    return db.write(
        "set alias '" + alias + "' of model '" + name + "'",
        true,
        c -> AliasRows.set(c, name, alias, version, expected, now, actor));
  }

  @Override
  public AliasMove rollback(String name, String alias, Instant now, String actor) {
    return db.write(
        "roll back alias '" + alias + "' of model '" + name + "'",
        true,
        c -> AliasRows.rollback(c, name, alias, now, actor));
  }

  @Override
  public AliasSnapshot aliasSnapshot(Set<String> names) {
    return db.write("read the current aliases", true, c -> AliasRows.snapshot(c, names));
  }

  @Override
  public long lastChangeId() {
    return db.read("read the change feed", AliasRows::lastChangeId);
  }

  @Override
  public List<AliasChange> changesAfter(long afterId, int limit) {
    return db.read("read the change feed", c -> AliasRows.changesAfter(c, afterId, limit));
  }

  @Override
  public JobRequestClaim claimJobRequest(
      String requestId, String jobId, String replica, Instant now) {
    return db.write(
        "claim request id '" + requestId + "' for training job " + jobId,
        false,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO job_requests (request_id, job_id, replica, created_at_ms)"
                      + " VALUES (?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING")) {
            ps.setString(1, requestId);
            ps.setString(2, jobId);
            ps.setString(3, replica);
            ps.setLong(4, now.toEpochMilli());
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("SELECT job_id, replica FROM job_requests WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return new JobRequestClaim(rs.getString("job_id"), rs.getString("replica"));
            }
          }
        });
  }

  @Override
  public void close() {
    db.close();
  }
}
