package io.propensity.training.registry.jdbc;

import io.propensity.common.error.NotFoundException;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.runtime.signing.ModelSignature;
import io.propensity.training.registry.BlobInfo;
import io.propensity.training.registry.CorruptRecordException;
import io.propensity.training.registry.Metric;
import io.propensity.training.registry.ModelSummary;
import io.propensity.training.registry.ModelVersionRecord;
import io.propensity.training.registry.NewModelVersion;
import io.propensity.training.registry.VersionDetails;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code models} and {@code model_versions} tables: version numbers, the version rows with
 * their queryable columns and stored details, and the per-model summaries.
 */
final class VersionRows {
  private static final Logger LOG = LoggerFactory.getLogger(VersionRows.class);

  private static final List<String> METRIC_COLUMNS =
      Arrays.stream(Metric.values()).map(VersionRows::metricColumn).toList();

  /** The columns {@link #read} reads: a version row, and one alias pointing at it (or null). */
  private static final String VERSION_COLUMNS =
      "v.name, v.version, v.created_at_ms, v.target, v.feature_schema_hash, v.threshold,"
          + " v.artifact_format, v.artifact_sha256, v.artifact_size_bytes, v.report_sha256,"
          + " v.report_size_bytes, "
          + METRIC_COLUMNS.stream().map(c -> "v." + c).collect(Collectors.joining(", "))
          + ", v.details_json, "
          + signatureColumns("v.", "signature")
          + ", "
          + signatureColumns("v.", "upload_signature")
          + ", a.alias";

  /** The columns of a new version row, in the order {@link #insert} binds them. */
  private static final List<String> INSERT_COLUMNS =
      Stream.of(
              Stream.of(
                  "name",
                  "version",
                  "created_at_ms",
                  "target",
                  "feature_schema_hash",
                  "threshold",
                  "artifact_format",
                  "artifact_blob_id",
                  "artifact_sha256",
                  "artifact_size_bytes",
                  "report_blob_id",
                  "report_sha256",
                  "report_size_bytes"),
              METRIC_COLUMNS.stream(),
              Stream.of("details_json"),
              Stream.of(signatureColumns("", "signature").split(", ")),
              Stream.of(signatureColumns("", "upload_signature").split(", ")))
          .flatMap(s -> s)
          .toList();

  private VersionRows() {}

  /** Binds the parameters of a query. */
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** The key id, algorithm and signature columns of signature {@code base}. */
  private static String signatureColumns(String prefix, String base) {
    return prefix + base + "_key_id, " + prefix + base + "_algorithm, " + prefix + base;
  }

  private static String metricColumn(Metric m) {
    return "metric_" + m.name().toLowerCase(Locale.ROOT);
  }

  /** Assigns the next number of {@code name}, holding the model row's lock until commit. */
  static long nextVersion(Connection c, String name, Instant now) throws SQLException {
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
    return latestVersion(c, name).orElseThrow();
  }

  /**
   * Bytes of artifacts and reports stored.
   *
   * @param modelBytes by the versions of one model
   * @param totalBytes by every version
   */
  record StorageUse(long modelBytes, long totalBytes) {}

  /** The bytes the versions of {@code name}, and all versions, hold. */
  static StorageUse storageUse(Connection c, String name) throws SQLException {
    String size = "artifact_size_bytes + COALESCE(report_size_bytes, 0)";
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COALESCE(SUM(CASE WHEN name = ? THEN "
                + size
                + " ELSE 0 END), 0) AS model_bytes, COALESCE(SUM("
                + size
                + "), 0) AS total_bytes FROM model_versions")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new StorageUse(rs.getLong("model_bytes"), rs.getLong("total_bytes"));
      }
    }
  }

  /** The number of the newest version of {@code name}; empty when the model does not exist. */
  static OptionalLong latestVersion(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT latest_version FROM models WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong("latest_version")) : OptionalLong.empty();
      }
    }
  }

  /** Writes the row of a new version whose files are stored under the given blob ids. */
  static void insert(
      Connection c,
      NewModelVersion v,
      long version,
      Instant now,
      String artifactBlobId,
      BlobInfo artifact,
      Optional<String> reportBlobId,
      Optional<BlobInfo> report,
      Optional<ModelSignature> signature)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO model_versions ("
                + String.join(", ", INSERT_COLUMNS)
                + ") VALUES ("
                + String.join(", ", Collections.nCopies(INSERT_COLUMNS.size(), "?"))
                + ")")) {
      int i = 0;
      ps.setString(++i, v.name());
      ps.setLong(++i, version);
      ps.setLong(++i, now.toEpochMilli());
      setText(ps, ++i, v.target());
      ps.setString(++i, v.featureSchemaHash());
      ps.setDouble(++i, v.threshold());
      ps.setString(++i, v.artifactFormat());
      ps.setString(++i, artifactBlobId);
      ps.setString(++i, artifact.sha256());
      ps.setLong(++i, artifact.sizeBytes());
      setText(ps, ++i, reportBlobId);
      setText(ps, ++i, report.map(BlobInfo::sha256));
      if (report.isPresent()) {
        ps.setLong(++i, report.get().sizeBytes());
      } else {
        ps.setNull(++i, Types.BIGINT);
      }
      for (Metric m : Metric.values()) {
        Double value = v.metrics().get(m);
        if (value == null) {
          ps.setNull(++i, Types.DOUBLE);
        } else {
          ps.setDouble(++i, value);
        }
      }
      ps.setString(++i, VersionDetailsJson.write(v.details()));
      i = setSignature(ps, i, signature);
      setSignature(ps, i, v.uploadSignature());
      ps.executeUpdate();
    }
  }

  /** Binds the three columns of {@code signature} after parameter {@code i}; the last index. */
  private static int setSignature(PreparedStatement ps, int i, Optional<ModelSignature> signature)
      throws SQLException {
    setText(ps, ++i, signature.map(ModelSignature::keyId));
    setText(ps, ++i, signature.map(ModelSignature::algorithm));
    setText(ps, ++i, signature.map(ModelSignature::base64));
    return i;
  }

  /** The signature in the columns of {@code base}, when the row has one. */
  private static Optional<ModelSignature> signature(ResultSet rs, String base, String what)
      throws SQLException {
    String keyId = rs.getString(base + "_key_id");
    String algorithm = rs.getString(base + "_algorithm");
    String bytes = rs.getString(base);
    if (keyId == null && algorithm == null && bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ModelSignature.fromBase64(keyId, algorithm, bytes));
    } catch (RuntimeException e) {
      LOG.error("the model registry cannot read a stored signature of {}: {}", what, e.toString());
      throw new CorruptRecordException("the stored " + base + " of " + what + " is corrupt");
    }
  }

  /** Version {@code version} of {@code name} with its aliases. */
  static Optional<ModelVersionRecord> find(Connection c, String name, long version)
      throws SQLException {
    return read(
            c,
            "SELECT "
                + VERSION_COLUMNS
                + " FROM model_versions v LEFT JOIN aliases a"
                + " ON a.name = v.name AND a.version = v.version"
                + " WHERE v.name = ? AND v.version = ? ORDER BY a.alias",
            ps -> {
              ps.setString(1, name);
              ps.setLong(2, version);
            })
        .stream()
        .findFirst();
  }

  /** Like {@link #find}, for a version that must exist. */
  static ModelVersionRecord require(Connection c, String name, long version) throws SQLException {
    return find(c, name, version)
        .orElseThrow(() -> new NotFoundException("model '" + name + "' has no version " + version));
  }

  /** The newest version of {@code name} with its aliases. */
  static Optional<ModelVersionRecord> findLatest(Connection c, String name) throws SQLException {
    return read(
            c,
            "SELECT "
                + VERSION_COLUMNS
                + " FROM models m JOIN model_versions v"
                + " ON v.name = m.name AND v.version = m.latest_version LEFT JOIN aliases a"
                + " ON a.name = v.name AND a.version = v.version WHERE m.name = ? ORDER BY a.alias",
            ps -> ps.setString(1, name))
        .stream()
        .findFirst();
  }

  /** Up to {@code limit} versions of {@code name} below {@code beforeVersion}, newest first. */
  static List<ModelVersionRecord> list(
      Connection c, String name, OptionalLong beforeVersion, int limit) throws SQLException {
    return read(
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
        });
  }

  /** Up to {@code limit} models with names after {@code afterName}, by name. */
  static List<ModelSummary> listModels(Connection c, Optional<String> afterName, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT m.name, m.latest_version, m.created_at_ms, m.updated_at_ms, v.target, a.alias,"
                + " a.version AS alias_version"
                + " FROM (SELECT * FROM models WHERE name > ? ORDER BY name LIMIT ?) m"
                + " JOIN model_versions v ON v.name = m.name AND v.version = m.latest_version"
                + " LEFT JOIN aliases a ON a.name = m.name ORDER BY m.name, a.alias")) {
      ps.setString(1, afterName.orElse(""));
      ps.setInt(2, limit);
      Map<String, ModelSummary> models = new LinkedHashMap<>();
      Map<String, Map<String, Long>> aliases = new TreeMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString("name");
          if (!models.containsKey(name)) {
            long latest = rs.getLong("latest_version");
            models.put(
                name,
                new ModelSummary(
                    name,
                    latest,
                    latest,
                    Map.of(),
                    Optional.ofNullable(rs.getString("target")),
                    Instant.ofEpochMilli(rs.getLong("created_at_ms")),
                    Instant.ofEpochMilli(rs.getLong("updated_at_ms"))));
          }
          String alias = rs.getString("alias");
          if (alias != null) {
            aliases
                .computeIfAbsent(name, k -> new TreeMap<>())
                .put(alias, rs.getLong("alias_version"));
          }
        }
      }
      List<ModelSummary> out = new ArrayList<>(models.size());
      for (ModelSummary m : models.values()) {
        out.add(
            new ModelSummary(
                m.name(),
                m.latestVersion(),
                m.versionCount(),
                aliases.getOrDefault(m.name(), Map.of()),
                m.target(),
                m.createdAt(),
                m.updatedAt()));
      }
      return out;
    }
  }

  /** The versions {@code sql} selects ({@link #VERSION_COLUMNS}, ordered by version). */
  private static List<ModelVersionRecord> read(Connection c, String sql, Binder binder)
      throws SQLException {
    // One row per (version, alias): fold the aliases of consecutive rows into their version.
    List<ModelVersionRecord> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        ModelVersionRecord current = null;
        Set<String> aliases = new TreeSet<>();
        while (rs.next()) {
          long version = rs.getLong("version");
          if (current == null || current.version() != version) {
            if (current != null) {
              out.add(current.withAliases(aliases));
              aliases = new TreeSet<>();
            }
            current = record(rs);
          }
          String alias = rs.getString("alias");
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

  private static ModelVersionRecord record(ResultSet rs) throws SQLException {
    String name = rs.getString("name");
    long version = rs.getLong("version");
    Optional<BlobInfo> report = Optional.empty();
    String reportSha = rs.getString("report_sha256");
    if (reportSha != null) {
      report = Optional.of(new BlobInfo(reportSha, rs.getLong("report_size_bytes")));
    }
    Map<Metric, Double> metrics = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      double value = rs.getDouble(metricColumn(m));
      if (!rs.wasNull()) {
        metrics.put(m, value);
      }
    }
    return new ModelVersionRecord(
        name,
        version,
        Instant.ofEpochMilli(rs.getLong("created_at_ms")),
        Optional.ofNullable(rs.getString("target")),
        rs.getString("feature_schema_hash"),
        rs.getDouble("threshold"),
        rs.getString("artifact_format"),
        new BlobInfo(rs.getString("artifact_sha256"), rs.getLong("artifact_size_bytes")),
        report,
        metrics,
        Set.of(),
        details(rs.getString("details_json"), name, version)
            .withSourceResolved(
                rs.getString("feature_schema_hash"), FeatureCatalog.schema().versionHash()),
        signature(rs, "signature", "version " + version + " of model '" + name + "'"),
        signature(rs, "upload_signature", "version " + version + " of model '" + name + "'"));
  }

  private static VersionDetails details(String json, String name, long version) {
    String what = "version " + version + " of model '" + name + "'";
    try {
      if (json == null) {
        throw new CorruptRecordException("the stored details of " + what + " are missing");
      }
      return VersionDetailsJson.read(json, what);
    } catch (CorruptRecordException e) {
      LOG.error("the model registry cannot read a stored record: {}", e.getMessage());
      throw e;
    }
  }

  static void setText(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
    if (v.isPresent()) {
      ps.setString(i, v.get());
    } else {
      ps.setNull(i, Types.VARCHAR);
    }
  }
}
