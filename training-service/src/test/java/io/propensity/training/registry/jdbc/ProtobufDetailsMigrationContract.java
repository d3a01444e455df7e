package io.propensity.training.registry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.runtime.signing.ModelKeys;
import io.propensity.runtime.signing.ModelSigner;
import io.propensity.training.registry.BlobInfo;
import io.propensity.training.registry.BlobKind;
import io.propensity.training.registry.Metric;
import io.propensity.training.registry.ModelRegistry;
import io.propensity.training.registry.ModelVersionRecord;
import io.propensity.training.registry.RegistrySigning;
import io.propensity.training.registry.RegistryStoreException;
import io.propensity.training.registry.StorageQuota;
import io.propensity.training.registry.VersionDetails;
import io.propensity.training.registry.VersionDetailsFixtures;
import io.propensity.training.registry.VersionSelector;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import propensity.registry.v1.ModelVersion;

/**
 * Upgrading a registry whose versions were stored before schema version 2, with their details as a
 * serialized registry.v1.ModelVersion: every version reads back with every detail, or the upgrade
 * stops naming the row it cannot convert. One subclass per backend.
 */
public abstract class ProtobufDetailsMigrationContract {
  private static final Instant CREATED = Instant.parse("2024-05-01T12:00:00Z");
  private static final byte[] ARTIFACT = "tree\nnum_leaves=31\n".getBytes(StandardCharsets.UTF_8);

  /** An empty database the test may create the registry's schema in. */
  protected abstract RegistryDatabase emptyDatabase();

  /** A version row as schema version 1 stored it, its artifact in one piece. */
  private static void insertV1Version(
      RegistryDatabase db, String name, long version, byte[] details) {
    String blob = name + "-" + version;
    db.execute("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, 0, ?)", blob, ARTIFACT);
    db.execute(
        "INSERT INTO model_versions (name, version, created_at_ms, target, feature_schema_hash,"
            + " threshold, artifact_format, artifact_blob_id, artifact_sha256, artifact_size_bytes,"
            + " metric_roc_auc, details) VALUES (?, ?, ?, 'purchase', 'abc123', 0.4, 'lightgbm_text',"
            + " ?, ?, ?, 0.83, ?)",
        name,
        version,
        CREATED.toEpochMilli(),
        blob,
        BlobInfo.sha256Hex(ARTIFACT),
        (long) ARTIFACT.length,
        details);
  }

  private static void insertV1Model(RegistryDatabase db, String name, long versions) {
    db.execute(
        "INSERT INTO models (name, latest_version, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?)",
        name,
        versions,
        CREATED.toEpochMilli(),
        CREATED.toEpochMilli());
  }

  /** The details as the gRPC endpoint of schema version 1 stored them. */
  private static byte[] storedByV1(ModelVersion mv) {
    return mv.toBuilder().clearVersion().clearAliases().clearCreatedAt().build().toByteArray();
  }

  private static ModelRegistry open(RegistryDatabase db) {
    return new ModelRegistry(
        JdbcRegistryStore.open(db.jdbcUrl(), db.user(), db.password(), 2),
        Clock.systemUTC(),
        Duration.ofMillis(100),
        ModelRegistry.DEFAULT_MAX_MODEL_TEXT_BYTES,
        StorageQuota.DEFAULT,
        RegistrySigning.with(new ModelSigner(ModelKeys.generate())));
  }

  @Test
  void versionsStoredAsProtobufReadBackWithEveryDetailAfterTheUpgrade() {
    RegistryDatabase db = emptyDatabase();
    db.migrateTo("1");
    insertV1Model(db, "purchase-7d", 2);
    insertV1Version(db, "purchase-7d", 1, storedByV1(VersionDetailsFixtures.fullProto()));
    insertV1Version(
        db,
        "purchase-7d",
        2,
        storedByV1(
            ModelVersion.newBuilder()
                .setName("purchase-7d")
                .setLineage(VersionDetailsFixtures.tabularLineageProto())
                .build()));
    db.execute(
        "INSERT INTO aliases (name, alias, version, changed_at_ms) VALUES ('purchase-7d',"
            + " 'production', 1, ?)",
        CREATED.toEpochMilli());

    try (ModelRegistry registry = open(db)) {
      ModelVersionRecord first = registry.get("purchase-7d", VersionSelector.alias("production"));
      ModelVersionRecord second = registry.get("purchase-7d", VersionSelector.latest());

      assertThat(first.version()).isEqualTo(1);
      // stored before versions said their feature source: read by the schema hash, which is not
      // feature-engine's, so PROVIDED with native missing values
      assertThat(first.details()).isEqualTo(migratedFull());
      assertThat(first.details().featureSource()).contains(VersionDetails.FeatureSource.PROVIDED);
      assertThat(first.aliases()).containsExactly("production");
      assertThat(first.createdAt()).isEqualTo(CREATED);
      assertThat(first.target()).contains("purchase");
      assertThat(first.featureSchemaHash()).isEqualTo("abc123");
      assertThat(first.threshold()).isEqualTo(0.4);
      assertThat(first.metric(Metric.ROC_AUC)).hasValue(0.83);
      assertThat(registry.readAll("purchase-7d", 1, BlobKind.ARTIFACT)).isEqualTo(ARTIFACT);
      assertThat(second.details().lineage()).isEqualTo(VersionDetailsFixtures.tabular().lineage());
      assertThat(second.details().evaluation()).isEmpty();
      assertThat(second.details().features()).isEmpty();
    }
    try (ModelRegistry reopened = open(db)) {
      assertThat(reopened.get("purchase-7d", VersionSelector.version(1)).details())
          .isEqualTo(migratedFull());
    }
  }

  private static VersionDetails migratedFull() {
    return VersionDetailsFixtures.unsaid(VersionDetailsFixtures.full())
        .withSourceResolved("abc123", FeatureCatalog.schema().versionHash());
  }

  @Test
  void aRowThatIsNotAModelVersionStopsTheUpgradeNamingItAndKeepsItsBytes() {
    RegistryDatabase db = emptyDatabase();
    db.migrateTo("1");
    insertV1Model(db, "broken", 1);
    // field 1, length-delimited, 5 bytes announced, 1 present
    insertV1Version(db, "broken", 1, new byte[] {0x0A, 0x05, 'a'});

    assertThatThrownBy(() -> open(db))
        .isInstanceOf(RegistryStoreException.class)
        .hasMessageStartingWith("cannot migrate the model registry")
        .hasMessageContaining(
            "version 1 of model 'broken' cannot be converted: its stored details are not a"
                + " registry.v1.ModelVersion");
    assertThat(db.selectBytes("SELECT details FROM model_versions WHERE name = 'broken'"))
        .containsExactly(0x0A, 0x05, 'a');
  }
}
