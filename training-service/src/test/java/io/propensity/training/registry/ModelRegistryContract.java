package io.propensity.training.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.error.ResourceExhaustedException;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureType;
import io.propensity.runtime.signing.ModelKeys;
import io.propensity.runtime.signing.ModelSignature;
import io.propensity.runtime.signing.ModelSigner;
import io.propensity.runtime.signing.ModelStatement;
import io.propensity.runtime.signing.TrustedModelKeys;
import io.propensity.training.jobs.Job;
import io.propensity.training.jobs.JobClaims;
import io.propensity.training.jobs.JobDefinition;
import io.propensity.training.jobs.JobManager;
import io.propensity.training.registry.VersionDetails.FeatureDefinition;
import io.propensity.training.registry.VersionDetails.FeatureSource;
import io.propensity.training.registry.VersionDetails.MissingValues;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every registry backend must have; one subclass per backend. */
public abstract class ModelRegistryContract {
  protected static final String SCHEMA = "schema-a";
  protected static final Duration POLL = Duration.ofMillis(100);

  /** The registry's key: every registry a test opens signs with it, as replicas share a key. */
  private static final ModelSigner REGISTRY_KEY = new ModelSigner(ModelKeys.generate());

  private static final RegistrySigning SIGNING = RegistrySigning.with(REGISTRY_KEY);

  protected ModelRegistry registry;
  private final List<ModelRegistry> opened = new ArrayList<>();

  /** Opens a store on the database under test; every call in one test reaches the same database. */
  protected abstract RegistryStore openStore();

  /** Replaces the stored details of a version with {@code text}, behind the registry's back. */
  protected abstract void overwriteStoredDetails(String name, long version, String text);

  /** A registry over a new store on the same database, as a second process would have. */
  protected ModelRegistry openRegistry() {
    return openRegistry(StorageQuota.DEFAULT);
  }

  /** {@link #openRegistry()} with the storage quota {@code quota}. */
  protected ModelRegistry openRegistry(StorageQuota quota) {
    return openRegistry(quota, SIGNING);
  }

  /** {@link #openRegistry()} with the storage quota {@code quota} and {@code signing}. */
  protected ModelRegistry openRegistry(StorageQuota quota, RegistrySigning signing) {
    ModelRegistry r =
        new ModelRegistry(
            openStore(),
            Clock.systemUTC(),
            POLL,
            ModelRegistry.DEFAULT_MAX_MODEL_TEXT_BYTES,
            quota,
            signing);
    opened.add(r);
    return r;
  }

  @BeforeEach
  void openFirst() {
    registry = openRegistry();
  }

  /** Closes every registry opened by the test; a subclass dropping its database calls it first. */
  @AfterEach
  protected void closeRegistries() {
    for (ModelRegistry r : opened) {
      r.close();
    }
    opened.clear();
  }

  /**
   * An artifact format the registry stores without reading: the storage tests below use random
   * bytes; a LightGBM text artifact must match its schema (see the tests of that below).
   */
  protected static final String OPAQUE = "opaque-test-bytes";

  protected static NewModelVersion.Builder version(String name) {
    return NewModelVersion.builder(name, SCHEMA, 0.5)
        .artifactFormat(OPAQUE)
        .target("purchase")
        .metric(Metric.ROC_AUC, 0.80)
        .metric(Metric.LOG_LOSS, 0.40)
        .details(VersionDetailsFixtures.described("details of " + name));
  }

  protected static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private ModelVersionRecord register(String name) {
    return registry.register(version(name).build(), bytes(100, name.hashCode()), Optional.empty());
  }

  private ModelVersionRecord register(NewModelVersion v) {
    return registry.register(v, bytes(100, 1), Optional.empty());
  }

  // ---------------------------------------------------------------------------------------------
  // registration

  @Test
  void versionsAreNumberedFromOnePerModel() {
    assertThat(register("purchase-7d").version()).isEqualTo(1);
    assertThat(register("purchase-7d").version()).isEqualTo(2);
    assertThat(register("churn-30d").version()).isEqualTo(1);
    assertThat(register("purchase-7d").version()).isEqualTo(3);
  }

  @Test
  void registeredVersionReadsBackWithItsFieldsAndChecksumsOfTheStoredBytes() {
    byte[] artifact = "tree\nnum_leaves=31\n".getBytes(StandardCharsets.UTF_8);
    byte[] report = "<html>report</html>".getBytes(StandardCharsets.UTF_8);
    Instant before = Instant.now().minusMillis(1);
    ModelVersionRecord stored =
        registry.register(
            version("purchase-7d")
                .metric(Metric.F1, 0.61)
                .expectedArtifact(BlobInfo.of(artifact))
                .build(),
            artifact,
            Optional.of(report));

    ModelVersionRecord read = registry.get("purchase-7d", VersionSelector.version(1));

    assertThat(read).isEqualTo(stored);
    assertThat(read.createdAt()).isBetween(before, Instant.now().plusMillis(1));
    assertThat(read.target()).contains("purchase");
    assertThat(read.featureSchemaHash()).isEqualTo(SCHEMA);
    assertThat(read.threshold()).isEqualTo(0.5);
    assertThat(read.metric(Metric.F1)).hasValue(0.61);
    assertThat(read.metric(Metric.ROC_AUC)).hasValue(0.80);
    assertThat(read.metric(Metric.BRIER)).isEmpty();
    assertThat(read.details())
        .isEqualTo(VersionDetailsFixtures.described("details of purchase-7d"));
    assertThat(read.artifact())
        .isEqualTo(new BlobInfo(BlobInfo.sha256Hex(artifact), artifact.length));
    assertThat(read.report()).contains(new BlobInfo(BlobInfo.sha256Hex(report), report.length));
    assertThat(registry.readAll("purchase-7d", 1, BlobKind.ARTIFACT)).isEqualTo(artifact);
    assertThat(registry.readAll("purchase-7d", 1, BlobKind.REPORT)).isEqualTo(report);
  }

  @Test
  void everyDetailOfAVersionReadsBackAsRegistered() {
    ModelVersionRecord full =
        register(version("purchase-7d").details(VersionDetailsFixtures.full()).build());
    ModelVersionRecord tabular =
        register(version("purchase-7d").details(VersionDetailsFixtures.tabular()).build());

    assertThat(full.details()).isEqualTo(VersionDetailsFixtures.full());
    assertThat(registry.get("purchase-7d", VersionSelector.version(1)).details())
        .isEqualTo(VersionDetailsFixtures.full());
    assertThat(registry.get("purchase-7d", VersionSelector.version(tabular.version())).details())
        .isEqualTo(VersionDetailsFixtures.tabular());
    assertThat(openRegistry().listVersions("purchase-7d", 10, OptionalLong.empty()).versions())
        .extracting(ModelVersionRecord::details)
        .containsExactly(VersionDetailsFixtures.tabular(), VersionDetailsFixtures.full());
  }

  @Test
  void theRegistrySaysWhereAVersionsFeaturesComeFromWhenTheCallerDidNot() {
    String engineHash = FeatureCatalog.schema().versionHash();
    VersionDetails unsaid = VersionDetailsFixtures.unsaid(VersionDetailsFixtures.full());

    ModelVersionRecord engine =
        register(
            NewModelVersion.builder("engine-model", engineHash, 0.5)
                .artifactFormat(OPAQUE)
                .details(unsaid)
                .build());
    ModelVersionRecord provided = register(version("table-model").details(unsaid).build());
    ModelVersionRecord said =
        register(
            NewModelVersion.builder("said-model", engineHash, 0.5)
                .artifactFormat(OPAQUE)
                .details(VersionDetailsFixtures.tabular())
                .build());

    assertThat(engine.details().featureSource()).contains(FeatureSource.ENGINE);
    assertThat(engine.details().features()).isEqualTo(unsaid.features());
    assertThat(provided.details().featureSource()).contains(FeatureSource.PROVIDED);
    assertThat(provided.details().features())
        .extracting(FeatureDefinition::missingValues)
        .containsOnly(Optional.of(MissingValues.NATIVE));
    assertThat(said.details()).isEqualTo(VersionDetailsFixtures.tabular());
    assertThat(registry.get("table-model", VersionSelector.latest())).isEqualTo(provided);
  }

  @Test
  void aVersionStoredBeforeVersionsSaidTheirFeatureSourceReadsByItsSchemaHash() {
    String engineHash = FeatureCatalog.schema().versionHash();
    register(
        NewModelVersion.builder("engine-model", engineHash, 0.5).artifactFormat(OPAQUE).build());
    register(version("table-model").build());
    String oldShape =
        "{\"schema_version\":1,\"description\":\"trained in 2025\",\"params\":{},"
            + "\"features\":[{\"name\":\"Month\",\"type\":\"CATEGORICAL\",\"description\":\"\","
            + "\"categories\":[\"(missing)\",\"Feb\",\"Nov\"]}],"
            + "\"golden_rows\":[],\"feature_importances\":[],\"tuning_trials\":[]}";
    overwriteStoredDetails("engine-model", 1, oldShape);
    overwriteStoredDetails("table-model", 1, oldShape);

    VersionDetails engine = registry.get("engine-model", VersionSelector.latest()).details();
    VersionDetails table = registry.get("table-model", VersionSelector.latest()).details();

    assertThat(engine.featureSource()).contains(FeatureSource.ENGINE);
    assertThat(engine.features().get(0).missingValues()).isEmpty();
    assertThat(table.featureSource()).contains(FeatureSource.PROVIDED);
    assertThat(table.features().get(0).missingValues()).contains(MissingValues.NATIVE);
    assertThat(table.features().get(0).categories()).containsExactly("(missing)", "Feb", "Nov");
  }

  private static final List<String> TABLE_COLUMNS =
      List.of("Administrative", "Month", "VisitorType");

  private static byte[] tableModel() {
    return VersionDetailsFixtures.lightGbmText(
            TABLE_COLUMNS, List.of("[0:27]", "1:2:3", "1:2"), "1,2")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static NewModelVersion.Builder lightGbmVersion(String name, List<FeatureDefinition> f) {
    return NewModelVersion.builder(name, SCHEMA, 0.5)
        .artifactFormat(ModelRegistry.LIGHTGBM_TEXT)
        .details(VersionDetailsFixtures.withFeatures(VersionDetailsFixtures.tabular(), f));
  }

  /** The refusal of {@code artifact} registered as a version of table-model over {@code f}. */
  private InvalidInputException lightGbmRefusal(List<FeatureDefinition> f, byte[] artifact) {
    return catchThrowableOfType(
        InvalidInputException.class,
        () ->
            registry.register(
                lightGbmVersion("table-model", f).build(), artifact, Optional.empty()));
  }

  private static FeatureDefinition feature(String name, FeatureType type, String... levels) {
    return new FeatureDefinition(
        name,
        Optional.of(type),
        "",
        Optional.empty(),
        Optional.empty(),
        List.of(levels),
        Optional.empty());
  }

  private static List<FeatureDefinition> tableSchema() {
    return List.of(
        feature("Administrative", FeatureType.NUMERIC),
        feature("Month", FeatureType.CATEGORICAL, "(missing)", "Feb", "Nov"),
        feature("VisitorType", FeatureType.CATEGORICAL, "(missing)", "New", "Returning"));
  }

  @Test
  void aLightGbmVersionWhoseSchemaDescribesItsArtifactIsRegistered() {
    ModelVersionRecord r =
        registry.register(
            lightGbmVersion("table-model", tableSchema()).build(), tableModel(), Optional.empty());

    assertThat(r.details().features()).extracting(FeatureDefinition::name).isEqualTo(TABLE_COLUMNS);
    assertThat(r.details().featureSource()).contains(FeatureSource.PROVIDED);
  }

  @Test
  void aLightGbmVersionWhoseSchemaDoesNotDescribeItsArtifactIsRefusedAndNothingIsStored() {
    List<FeatureDefinition> renamed = new ArrayList<>(tableSchema());
    renamed.set(2, feature("Visitor", FeatureType.CATEGORICAL, "(missing)", "New"));
    List<FeatureDefinition> numericMonth = new ArrayList<>(tableSchema());
    numericMonth.set(1, feature("Month", FeatureType.CATEGORICAL));
    String numericMonthModel =
        VersionDetailsFixtures.lightGbmText(TABLE_COLUMNS, List.of("[0:27]", "[1:12]", "1:2"), "2");

    InvalidInputException wrongName = lightGbmRefusal(renamed, tableModel());
    InvalidInputException fewer = lightGbmRefusal(tableSchema().subList(0, 2), tableModel());
    InvalidInputException notCategorical =
        lightGbmRefusal(numericMonth, numericMonthModel.getBytes(StandardCharsets.UTF_8));
    InvalidInputException noSchema = lightGbmRefusal(List.of(), tableModel());
    InvalidInputException notAModel = lightGbmRefusal(tableSchema(), bytes(100, 1));

    assertThat(wrongName.violations())
        .extracting(FieldError::field)
        .containsExactly("feature_schema.features[2].name");
    assertThat(wrongName.getMessage())
        .contains("expected 'Visitor' at position 2")
        .contains("has 'VisitorType' there");
    assertThat(fewer.violations().get(0).field()).isEqualTo("feature_schema.features");
    assertThat(fewer.getMessage()).contains("2 features").contains("feature_names has 3");
    assertThat(notCategorical.violations())
        .extracting(FieldError::field)
        .containsExactly("feature_schema.features[1].type");
    assertThat(noSchema.violations().get(0).field()).isEqualTo("feature_schema.features");
    assertThat(notAModel.violations().get(0).field()).isEqualTo("artifact");
    assertThatThrownBy(() -> registry.get("table-model", VersionSelector.latest()))
        .isInstanceOf(NotFoundException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // signatures

  @Test
  void aValidatedVersionIsSignedByTheRegistryAndReadsBackWithAVerifyingSignature() {
    ModelVersionRecord registered =
        registry.register(
            lightGbmVersion("table-model", tableSchema()).build(), tableModel(), Optional.empty());
    ModelVersionRecord read =
        openRegistry().get("table-model", VersionSelector.version(registered.version()));
    TrustedModelKeys registryKey = TrustedModelKeys.of(List.of(REGISTRY_KEY.publicKey()));

    assertThat(registered.signature()).isPresent();
    assertThat(read.signature()).isEqualTo(registered.signature());
    assertThat(read.signature().get().keyId()).isEqualTo(REGISTRY_KEY.keyId());
    assertThat(registry.signingKeyId()).isEqualTo(REGISTRY_KEY.keyId());
    assertThat(read.statement())
        .isEqualTo(
            new ModelStatement(
                "table-model",
                ModelRegistry.LIGHTGBM_TEXT,
                BlobInfo.of(tableModel()).sha256(),
                tableModel().length,
                SCHEMA));
    assertThat(registryKey.whyUntrusted(read.statement(), read.signature())).isEmpty();
    assertThat(read.uploadSignature()).isEmpty();
  }

  @Test
  void aVersionOfAFormatTheRegistryDoesNotCheckIsNotSigned() {
    ModelVersionRecord r = register("purchase-7d");

    assertThat(r.signature()).isEmpty();
    assertThat(registry.get("purchase-7d", VersionSelector.latest()).signature()).isEmpty();
  }

  @Test
  void anUploadMustCarryAValidSignatureByATrustedKeyWhenTheRegistryTrustsUploaders() {
    ModelSigner uploader = new ModelSigner(ModelKeys.generate());
    ModelSigner stranger = new ModelSigner(ModelKeys.generate());
    ModelRegistry strict =
        openRegistry(
            StorageQuota.DEFAULT,
            new RegistrySigning(REGISTRY_KEY, TrustedModelKeys.of(List.of(uploader.publicKey()))));
    ModelStatement statement =
        new ModelStatement(
            "table-model",
            ModelRegistry.LIGHTGBM_TEXT,
            BlobInfo.of(tableModel()).sha256(),
            tableModel().length,
            SCHEMA);
    byte[] tampered = tableModel().clone();
    tampered[tampered.length - 2] ^= 1; // a byte of the trailing text, still a servable model

    InvalidInputException unsigned = uploadRefusal(strict, Optional.empty(), tableModel());
    InvalidInputException byStranger =
        uploadRefusal(strict, Optional.of(stranger.sign(statement)), tableModel());
    InvalidInputException otherBytes =
        uploadRefusal(strict, Optional.of(uploader.sign(statement)), tampered);

    assertThat(unsigned.violations())
        .extracting(FieldError::field)
        .containsExactly("upload_signature");
    assertThat(unsigned.getMessage()).contains("not signed").contains(uploader.keyId());
    assertThat(byStranger.getMessage()).contains(stranger.keyId()).contains("not trusted");
    assertThat(otherBytes.getMessage()).contains("does not match");
    assertThatThrownBy(() -> registry.get("table-model", VersionSelector.latest()))
        .isInstanceOf(NotFoundException.class);

    ModelSignature signed = uploader.sign(statement);
    ModelVersionRecord accepted =
        strict.registerUpload(
            lightGbmVersion("table-model", tableSchema()).uploadSignature(signed).build(),
            BlobSource.of(tableModel()),
            Optional.empty());
    // a version the training service trains itself is registered in process, unsigned
    ModelVersionRecord trained =
        strict.register(
            lightGbmVersion("table-model", tableSchema()).build(), tableModel(), Optional.empty());

    assertThat(accepted.version()).isEqualTo(1);
    assertThat(registry.get("table-model", VersionSelector.version(1)).uploadSignature())
        .contains(signed);
    assertThat(accepted.signature().get().keyId()).isEqualTo(REGISTRY_KEY.keyId());
    assertThat(trained.uploadSignature()).isEmpty();
    assertThat(trained.signature()).isPresent();
  }

  @Test
  void anUploadSignatureIsRefusedWhenTheRegistryTrustsNoUploaderKeys() {
    ModelSigner uploader = new ModelSigner(ModelKeys.generate());
    ModelStatement statement =
        new ModelStatement(
            "table-model",
            ModelRegistry.LIGHTGBM_TEXT,
            BlobInfo.of(tableModel()).sha256(),
            tableModel().length,
            SCHEMA);

    InvalidInputException e =
        uploadRefusal(registry, Optional.of(uploader.sign(statement)), tableModel());

    assertThat(e.getMessage()).contains("trusts no uploader keys");
  }

  private static InvalidInputException uploadRefusal(
      ModelRegistry r, Optional<ModelSignature> signature, byte[] artifact) {
    NewModelVersion.Builder v = lightGbmVersion("table-model", tableSchema());
    signature.ifPresent(v::uploadSignature);
    return catchThrowableOfType(
        InvalidInputException.class,
        () -> r.registerUpload(v.build(), BlobSource.of(artifact), Optional.empty()));
  }

  @Test
  void storedDetailsThatDoNotParseAreAnErrorNamingTheVersionNeverEmptyDetails() {
    register("purchase-7d");
    register("purchase-7d");
    overwriteStoredDetails("purchase-7d", 1, "{\"schema_version\":1,\"description\":7}");

    assertThatThrownBy(() -> registry.get("purchase-7d", VersionSelector.version(1)))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("version 1 of model 'purchase-7d'")
        .hasMessageContaining("description: 7 is not a string");
    assertThatThrownBy(() -> registry.listVersions("purchase-7d", 10, OptionalLong.empty()))
        .isInstanceOf(CorruptRecordException.class);
    assertThat(registry.get("purchase-7d", VersionSelector.version(2)).details().description())
        .isEqualTo("details of purchase-7d");
  }

  @Test
  void largeArtifactIsReadBackWholeAndByRangesAcrossPieceBoundaries() {
    byte[] artifact = bytes(2 * RegistryStore.CHUNK_BYTES + 12_345, 7);
    registry.register(version("big").build(), artifact, Optional.empty());

    assertThat(registry.readAll("big", 1, BlobKind.ARTIFACT)).isEqualTo(artifact);
    int from = RegistryStore.CHUNK_BYTES - 10;
    assertThat(registry.read("big", 1, BlobKind.ARTIFACT, from, 30))
        .isEqualTo(Arrays.copyOfRange(artifact, from, from + 30));
    assertThat(registry.read("big", 1, BlobKind.ARTIFACT, artifact.length - 5, 1 << 20))
        .isEqualTo(Arrays.copyOfRange(artifact, artifact.length - 5, artifact.length));
    assertThat(registry.read("big", 1, BlobKind.ARTIFACT, artifact.length, 100)).isEmpty();
    assertThat(registry.get("big", VersionSelector.latest()).artifact().sha256())
        .isEqualTo(BlobInfo.sha256Hex(artifact));
    assertThatThrownBy(() -> registry.read("big", 1, BlobKind.ARTIFACT, artifact.length + 1, 1))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> registry.read("big", 1, BlobKind.REPORT, 0, 1))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no report");
  }

  @Test
  void artifactThatFailsMidwayLeavesNoVersionAndUsesUpNoNumber() {
    register("purchase-7d");
    byte[] good = bytes(3 * RegistryStore.CHUNK_BYTES, 3);
    BlobSource failing =
        () ->
            new FilterInputStream(new java.io.ByteArrayInputStream(good)) {
              private long read;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (read > RegistryStore.CHUNK_BYTES + 100) {
                  throw new IOException("disk unplugged");
                }
                int n = super.read(b, off, len);
                read += Math.max(0, n);
                return n;
              }
            };

    assertThatThrownBy(
            () -> registry.register(version("purchase-7d").build(), failing, Optional.empty()))
        .isInstanceOf(RegistryStoreException.class)
        .hasMessageContaining("disk unplugged");

    assertThat(registry.get("purchase-7d", VersionSelector.latest()).version()).isEqualTo(1);
    assertThat(registry.listVersions("purchase-7d", 10, OptionalLong.empty()).versions())
        .hasSize(1);
    assertThat(register("purchase-7d").version()).isEqualTo(2);
    // a brand-new model whose first registration fails does not exist afterwards
    assertThatThrownBy(() -> registry.register(version("ghost").build(), failing, Optional.empty()))
        .isInstanceOf(RegistryStoreException.class);
    assertThatThrownBy(() -> registry.get("ghost", VersionSelector.latest()))
        .isInstanceOf(NotFoundException.class);
    assertThat(registry.listModels(10, Optional.empty()).models())
        .extracting(ModelSummary::name)
        .containsExactly("purchase-7d");
  }

  @Test
  void bytesThatDoNotMatchTheAnnouncedChecksumOrSizeAreRefusedAndNothingIsStored() {
    byte[] artifact = bytes(1000, 1);
    byte[] other = bytes(1000, 2);

    InvalidInputException wrongSha =
        catchThrowableOfType(
            InvalidInputException.class,
            () ->
                registry.register(
                    version("m").expectedArtifact(BlobInfo.of(other)).build(),
                    artifact,
                    Optional.empty()));
    InvalidInputException wrongSize =
        catchThrowableOfType(
            InvalidInputException.class,
            () ->
                registry.register(
                    version("m")
                        .expectedArtifact(new BlobInfo(BlobInfo.sha256Hex(artifact), 999))
                        .build(),
                    artifact,
                    Optional.empty()));
    InvalidInputException wrongReport =
        catchThrowableOfType(
            InvalidInputException.class,
            () ->
                registry.register(
                    version("m").expectedReport(BlobInfo.of(other)).build(),
                    artifact,
                    Optional.of(artifact)));

    assertThat(wrongSha.violations())
        .extracting(FieldError::field)
        .containsExactly("artifact_sha256");
    assertThat(wrongSize.violations())
        .extracting(FieldError::field)
        .containsExactly("artifact_size_bytes");
    assertThat(wrongReport.violations())
        .extracting(FieldError::field)
        .containsExactly("report_sha256");
    assertThatThrownBy(() -> registry.get("m", VersionSelector.latest()))
        .isInstanceOf(NotFoundException.class);
    assertThat(register("m").version()).isEqualTo(1);
  }

  @Test
  void malformedRegistrationsNameEveryBadField() {
    InvalidInputException e =
        catchThrowableOfType(
            InvalidInputException.class,
            () ->
                registry.register(
                    NewModelVersion.builder("Bad Name", " ", 1.5)
                        .metric(Metric.F1, Double.NaN)
                        .build(),
                    bytes(10, 1),
                    Optional.empty()));
    InvalidInputException empty =
        catchThrowableOfType(
            InvalidInputException.class,
            () -> registry.register(version("m").build(), new byte[0], Optional.empty()));

    assertThat(e.violations())
        .extracting(FieldError::field)
        .containsExactly("name", "feature_schema.version_hash", "threshold", "metrics.f1");
    assertThat(empty.violations()).extracting(FieldError::field).containsExactly("artifact");
  }

  @Test
  void concurrentRegistrationsOfOneNameThroughTwoRegistriesGetDistinctConsecutiveVersions()
      throws Exception {
    ModelRegistry other = openRegistry();
    int threads = 6;
    int each = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Long>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ModelRegistry r = t % 2 == 0 ? registry : other;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                List<Long> got = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                  got.add(
                      r.register(version("busy").build(), bytes(5000, i), Optional.empty())
                          .version());
                }
                return got;
              }));
    }
    start.countDown();
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> f : futures) {
      all.addAll(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    List<Long> expected = new ArrayList<>();
    for (long v = 1; v <= threads * each; v++) {
      expected.add(v);
    }
    assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(registry.get("busy", VersionSelector.latest()).version()).isEqualTo(threads * each);
  }

  // ---------------------------------------------------------------------------------------------
  // two registry replicas on one database

  /** What a replica's thread did to the alias: moves that changed it, and refusals. */
  private record AliasWork(int changes, int refusals) {}

  @Test
  void concurrentAliasChangesThroughTwoRegistriesFormOneLinearHistorySeenAlikeByBoth()
      throws Exception {
    for (int i = 0; i < 6; i++) {
      register("m");
    }
    ModelRegistry other = openRegistry();
    Recorder seenHere = new Recorder();
    Recorder seenThere = new Recorder();
    registry.watch(Set.of("m"), false, seenHere);
    other.watch(Set.of("m"), false, seenThere);
    int threads = 6;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<AliasWork>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ModelRegistry r = t % 2 == 0 ? registry : other;
      long seed = t;
      futures.add(
          pool.submit(
              () -> {
                Random random = new Random(seed);
                start.await();
                int changes = 0;
                int refusals = 0;
                for (int i = 0; i < each; i++) {
                  long target = 1 + random.nextInt(6);
                  try {
                    switch (random.nextInt(3)) {
                      case 0 -> changes += r.setAlias("m", "production", target).changed() ? 1 : 0;
                      case 1 -> {
                        // compare-and-set against what this replica just read
                        AliasExpectation seen;
                        try {
                          seen =
                              AliasExpectation.at(
                                  r.get("m", VersionSelector.alias("production")).version());
                        } catch (NotFoundException absent) {
                          seen = AliasExpectation.absent();
                        }
                        changes += r.setAlias("m", "production", target, seen).changed() ? 1 : 0;
                      }
                      default -> {
                        r.rollback("m", "production");
                        changes++;
                      }
                    }
                  } catch (FailedPreconditionException | NotFoundException refused) {
                    refusals++;
                  }
                }
                return new AliasWork(changes, refusals);
              }));
    }
    start.countDown();
    int changes = 0;
    for (Future<AliasWork> f : futures) {
      changes += f.get(120, TimeUnit.SECONDS).changes();
    }
    pool.shutdown();
    int expected = changes;

    await().atMost(Duration.ofSeconds(20)).until(() -> seenHere.changes.size() >= expected);
    await().atMost(Duration.ofSeconds(20)).until(() -> seenThere.changes.size() >= expected);
    assertThat(expected).isGreaterThan(threads * each / 3);
    // every change that applied is in the history once, and both replicas saw the same history
    assertThat(seenHere.changes).hasSize(expected);
    assertThat(seenThere.changes)
        .extracting(AliasChange::changeId)
        .containsExactlyElementsOf(seenHere.changes.stream().map(AliasChange::changeId).toList());
    // linear: each change starts where the one before it ended (no lost update)
    OptionalLong before = OptionalLong.empty();
    for (AliasChange c : seenHere.changes) {
      assertThat(c.previousVersion()).as("change %d", c.changeId()).isEqualTo(before);
      before = OptionalLong.of(c.version());
    }
    assertThat(other.get("m", VersionSelector.alias("production")).version())
        .isEqualTo(before.getAsLong());
  }

  @Test
  void promotionPoliciesRacingThroughTwoRegistriesAllDecideAndProductionEndsAtTheBest()
      throws Exception {
    double[] rocAuc = {0.70, 0.74, 0.72, 0.81, 0.77, 0.79, 0.75, 0.78};
    for (double auc : rocAuc) {
      register(version("m").metric(Metric.ROC_AUC, auc).build());
    }
    ModelRegistry other = openRegistry();
    ExecutorService pool = Executors.newFixedThreadPool(rocAuc.length);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<PromotionDecision>> futures = new ArrayList<>();
    for (int i = 0; i < rocAuc.length; i++) {
      ModelRegistry r = i % 2 == 0 ? registry : other;
      long version = i + 1;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return r.promoteIfBetter("m", version, Metric.ROC_AUC, true, 0.0, true);
              }));
    }
    start.countDown();
    List<PromotionDecision> decisions = new ArrayList<>();
    for (Future<PromotionDecision> f : futures) {
      decisions.add(f.get(120, TimeUnit.SECONDS)); // none fails because another moved production
    }
    pool.shutdown();

    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(4);
    assertThat(decisions).filteredOn(PromotionDecision::promoted).isNotEmpty();
    assertThat(decisions.get(3).promoted()).isTrue();
  }

  @Test
  void aTrainingRequestIdIsClaimedByOneJobWhicheverRegistryReplicaTheRetriesReach()
      throws Exception {
    ModelRegistry other = openRegistry();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<JobRequestClaim>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ModelRegistry r = t % 2 == 0 ? registry : other;
      String job = "job-" + t;
      String replica = t % 2 == 0 ? "replica-a" : "replica-b";
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return r.claimJobRequest("request-1", job, replica);
              }));
    }
    start.countDown();
    List<JobRequestClaim> holders = new ArrayList<>();
    for (Future<JobRequestClaim> f : futures) {
      holders.add(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    assertThat(holders).hasSize(threads).containsOnly(holders.get(0));
    assertThat(other.claimJobRequest("request-1", "job-late", "replica-b"))
        .isEqualTo(holders.get(0));
    assertThat(registry.claimJobRequest("request-2", "job-9", "replica-a"))
        .isEqualTo(new JobRequestClaim("job-9", "replica-a"));
  }

  @Test
  void aStartTrainingRetriedOnAnotherReplicaDoesNotStartTheJobTwice() {
    ModelRegistry other = openRegistry();
    List<Runnable> runsA = new CopyOnWriteArrayList<>();
    List<Runnable> runsB = new CopyOnWriteArrayList<>();
    JobManager<String> a = jobManager(registry, "replica-a", runsA);
    JobManager<String> b = jobManager(other, "replica-b", runsB);

    Job<String> first = a.start(jobDefinition(Optional.of("retry-me")));
    Job<String> again = a.start(jobDefinition(Optional.of("retry-me")));
    FailedPreconditionException elsewhere =
        catchThrowableOfType(
            FailedPreconditionException.class,
            () -> b.start(jobDefinition(Optional.of("retry-me"))));
    Job<String> unrelated = b.start(jobDefinition(Optional.of("another")));
    Job<String> anonymous = b.start(jobDefinition(Optional.empty()));

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(elsewhere)
        .hasMessageContaining("request id 'retry-me' already started job " + first.id())
        .hasMessageContaining("replica replica-a");
    assertThat(runsA).hasSize(1); // the job queued once, on the replica that claimed it
    assertThat(runsB).hasSize(2); // the unrelated one and the one without a request id
    assertThat(b.list(Optional.empty(), Set.of(), 0, 10))
        .extracting(Job::id)
        .containsExactlyInAnyOrder(unrelated.id(), anonymous.id());
  }

  private static JobManager<String> jobManager(
      ModelRegistry registry, String replica, List<Runnable> queued) {
    JobClaims claims =
        (requestId, jobId) -> {
          JobRequestClaim c = registry.claimJobRequest(requestId, jobId, replica);
          return new JobClaims.Holder(c.jobId(), c.replica());
        };
    ExecutorService recordOnly =
        new java.util.concurrent.AbstractExecutorService() {
          @Override
          public void execute(Runnable r) {
            queued.add(r); // never run: the test is about what starts, not about training
          }

          @Override
          public void shutdown() {}

          @Override
          public List<Runnable> shutdownNow() {
            return List.of();
          }

          @Override
          public boolean isShutdown() {
            return false;
          }

          @Override
          public boolean isTerminated() {
            return false;
          }

          @Override
          public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
          }
        };
    return new JobManager<>(recordOnly, null, null, Clock.systemUTC(), 10, claims);
  }

  private static JobDefinition<String> jobDefinition(Optional<String> requestId) {
    return new JobDefinition<>(
        "m",
        (progress, cancel) -> {
          throw new IllegalStateException("not run in this test");
        },
        source -> {
          throw new IllegalStateException("not run in this test");
        },
        new VersionDetails.TabularFile("/data/rows.csv", "0".repeat(64), "label"),
        Optional.empty(),
        requestId,
        "spec");
  }

  // ---------------------------------------------------------------------------------------------
  // storage quotas

  @Test
  void aRegistrationPastItsModelsQuotaIsRefusedStoresNothingAndUsesUpNoNumber() {
    ModelRegistry small = openRegistry(new StorageQuota(250, 10_000));
    small.register(version("m").build(), bytes(100, 1), Optional.empty());
    small.register(version("m").build(), bytes(100, 2), Optional.empty());

    ResourceExhaustedException full =
        catchThrowableOfType(
            ResourceExhaustedException.class,
            () -> small.register(version("m").build(), bytes(60, 3), Optional.empty()));
    byte[] report = bytes(40, 4);
    ResourceExhaustedException reportCounts =
        catchThrowableOfType(
            ResourceExhaustedException.class,
            () ->
                small.register(
                    version("m").expectedReport(BlobInfo.of(report)).build(),
                    bytes(20, 5),
                    Optional.of(report)));
    ModelVersionRecord otherModel =
        small.register(version("other").build(), bytes(200, 6), Optional.empty());
    ModelVersionRecord fits = small.register(version("m").build(), bytes(50, 7), Optional.empty());

    assertThat(full)
        .hasMessageContaining("model 'm' would hold 260 bytes")
        .hasMessageContaining("(200 stored + 60 new)")
        .hasMessageContaining("quota of 250 bytes (propensity.registry.model-quota-bytes)");
    assertThat(reportCounts).hasMessageContaining("would hold 260 bytes");
    assertThat(otherModel.version()).isEqualTo(1);
    assertThat(fits.version()).isEqualTo(3);
  }

  @Test
  void concurrentRegistrationsThroughTwoRegistriesNeverGoPastTheTotalQuotaTogether()
      throws Exception {
    StorageQuota quota = new StorageQuota(10_000, 1000);
    ModelRegistry other = openRegistry(quota);
    ModelRegistry mine = openRegistry(quota);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<String>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ModelRegistry r = t % 2 == 0 ? mine : other;
      String name = "model-" + t;
      long seed = t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  r.register(version(name).build(), bytes(300, seed), Optional.empty());
                  return Optional.empty();
                } catch (ResourceExhaustedException e) {
                  return Optional.of(e.getMessage());
                }
              }));
    }
    start.countDown();
    List<String> refusals = new ArrayList<>();
    for (Future<Optional<String>> f : futures) {
      f.get(60, TimeUnit.SECONDS).ifPresent(refusals::add);
    }
    pool.shutdown();

    assertThat(refusals).hasSize(threads - 3);
    assertThat(refusals)
        .allSatisfy(
            m ->
                assertThat(m)
                    .contains("the registry would hold 1200 bytes")
                    .contains("(propensity.registry.total-quota-bytes)"));
    assertThat(mine.listModels(MODEL_PAGE, Optional.empty()).models()).hasSize(3);
  }

  private static final int MODEL_PAGE = 100;

  // ---------------------------------------------------------------------------------------------
  // only servable versions get an alias

  private static NewModelVersion.Builder servableVersion(List<VersionDetails.GoldenRow> golden) {
    return NewModelVersion.builder("served", SCHEMA, 0.5)
        .artifactFormat(ModelRegistry.LIGHTGBM_TEXT)
        .details(
            VersionDetailsFixtures.withGoldenRows(
                VersionDetailsFixtures.withFeatures(
                    VersionDetailsFixtures.tabular(),
                    VersionDetailsFixtures.SERVABLE_FEATURES.stream()
                        .map(FeatureDefinition::named)
                        .toList()),
                golden));
  }

  private static VersionDetails.GoldenRow golden(double sessions, double carts, double p) {
    return new VersionDetails.GoldenRow(
        List.of(sessions, carts), p, Optional.empty(), Optional.empty());
  }

  @Test
  void anAliasCannotPointAtAStoredVersionThatCannotBeServedAndRollbackStillWorks() {
    byte[] model = VersionDetailsFixtures.servableModel().getBytes(StandardCharsets.UTF_8);
    // leaf 2 (raw 1.1) without calibration: the sigmoid
    double leaf2 = 1 / (1 + Math.exp(-1.1));
    registry.register(
        servableVersion(List.of(golden(3, 1, leaf2))).build(), model, Optional.empty());
    registry.register(servableVersion(List.of()).build(), model, Optional.empty());
    // versions 3 and 4 as a registry stored them before it checked artifacts
    try (RegistryStore behind = openStore()) {
      behind.insertVersion(
          servableVersion(List.of()).build(),
          BlobSource.of(
              VersionDetailsFixtures.servableModel("-1 -2", "7 -3")
                  .getBytes(StandardCharsets.UTF_8)),
          Optional.empty(),
          Optional.empty(),
          StorageQuota.DEFAULT,
          Instant.now());
      behind.insertVersion(
          servableVersion(List.of(golden(3, 1, 0.27))).build(),
          BlobSource.of(model),
          Optional.empty(),
          Optional.empty(),
          StorageQuota.DEFAULT,
          Instant.now());
    }
    registry.setAlias("served", ModelRegistry.PRODUCTION, 1);
    registry.setAlias("served", ModelRegistry.PRODUCTION, 2);

    FailedPreconditionException brokenTree =
        catchThrowableOfType(
            FailedPreconditionException.class,
            () -> registry.setAlias("served", ModelRegistry.PRODUCTION, 3));
    FailedPreconditionException wrongGolden =
        catchThrowableOfType(
            FailedPreconditionException.class, () -> registry.setAlias("served", "staging", 4));

    assertThat(brokenTree.violations()).extracting(FieldError::field).containsExactly("version");
    assertThat(brokenTree)
        .hasMessageContaining("version 3 of model 'served' cannot be served")
        .hasMessageContaining("alias 'production' was not moved")
        .hasMessageContaining("tree 0: node 0 has right_child 7");
    assertThat(wrongGolden.violations()).extracting(FieldError::field).containsExactly("version");
    assertThat(wrongGolden)
        .hasMessageContaining("version 4 of model 'served' cannot be served")
        .hasMessageContaining("golden_rows[0]")
        .hasMessageContaining("expected_probability is 0.27");
    assertThat(registry.get("served", VersionSelector.alias(ModelRegistry.PRODUCTION)).version())
        .isEqualTo(2);
    assertThatThrownBy(() -> registry.get("served", VersionSelector.alias("staging")))
        .isInstanceOf(NotFoundException.class);
    assertThat(registry.rollback("served", ModelRegistry.PRODUCTION).target().version())
        .isEqualTo(1);
  }

  @Test
  void reopenedRegistryStillHasEveryVersionAndAlias() {
    register("purchase-7d");
    register("purchase-7d");
    registry.setAlias("purchase-7d", ModelRegistry.PRODUCTION, 2);

    ModelRegistry reopened = openRegistry();

    assertThat(reopened.get("purchase-7d", VersionSelector.alias("production")).version())
        .isEqualTo(2);
    assertThat(reopened.readAll("purchase-7d", 1, BlobKind.ARTIFACT))
        .isEqualTo(bytes(100, "purchase-7d".hashCode()));
  }

  // ---------------------------------------------------------------------------------------------
  // reads

  @Test
  void getResolvesLatestNumberAndAliasAndNamesWhatIsMissing() {
    register("m");
    register("m");
    registry.setAlias("m", "staging", 1);

    assertThat(registry.get("m", VersionSelector.latest()).version()).isEqualTo(2);
    assertThat(registry.get("m", VersionSelector.version(1)).aliases()).containsExactly("staging");
    assertThat(registry.get("m", VersionSelector.alias("staging")).version()).isEqualTo(1);
    assertThatThrownBy(() -> registry.get("nope", VersionSelector.latest()))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("model 'nope' does not exist");
    assertThatThrownBy(() -> registry.get("m", VersionSelector.version(3)))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("model 'm' has no version 3");
    assertThatThrownBy(() -> registry.get("m", VersionSelector.alias("production")))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("model 'm' has no alias 'production'");
    assertThatThrownBy(() -> registry.get("m", VersionSelector.version(0)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> registry.get("m", VersionSelector.alias("Prod!")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void versionsArePagedNewestFirst() {
    for (int i = 0; i < 7; i++) {
      register("m");
    }
    registry.setAlias("m", "production", 5);

    VersionPage first = registry.listVersions("m", 3, OptionalLong.empty());
    VersionPage second = registry.listVersions("m", 3, first.nextBeforeVersion());
    VersionPage last = registry.listVersions("m", 3, second.nextBeforeVersion());

    assertThat(first.versions())
        .extracting(ModelVersionRecord::version)
        .containsExactly(7L, 6L, 5L);
    assertThat(first.versions().get(2).aliases()).containsExactly("production");
    assertThat(second.versions())
        .extracting(ModelVersionRecord::version)
        .containsExactly(4L, 3L, 2L);
    assertThat(last.versions()).extracting(ModelVersionRecord::version).containsExactly(1L);
    assertThat(last.nextBeforeVersion()).isEmpty();
    assertThat(registry.listVersions("m", 7, OptionalLong.empty()).nextBeforeVersion()).isEmpty();
    assertThatThrownBy(() -> registry.listVersions("nope", 3, OptionalLong.empty()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void modelsArePagedByNameWithLatestVersionAliasesAndTarget() {
    register("c-model");
    register(version("a-model").target("churn").build());
    register("b-model");
    register("b-model");
    registry.setAlias("b-model", "production", 1);
    registry.setAlias("b-model", "staging", 2);

    ModelPage first = registry.listModels(2, Optional.empty());
    ModelPage second = registry.listModels(2, first.nextAfterName());

    assertThat(first.models()).extracting(ModelSummary::name).containsExactly("a-model", "b-model");
    assertThat(second.models()).extracting(ModelSummary::name).containsExactly("c-model");
    assertThat(second.nextAfterName()).isEmpty();
    ModelSummary a = first.models().get(0);
    ModelSummary b = first.models().get(1);
    assertThat(a.target()).contains("churn");
    assertThat(a.aliases()).isEmpty();
    assertThat(b.latestVersion()).isEqualTo(2);
    assertThat(b.versionCount()).isEqualTo(2);
    assertThat(b.aliases())
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("production", 1L, "staging", 2L));
    assertThat(b.updatedAt()).isAfterOrEqualTo(b.createdAt());
  }

  // ---------------------------------------------------------------------------------------------
  // aliases

  @Test
  void aliasCompareAndSetAppliesOnlyWhenTheAliasIsWhereTheCallerExpects() {
    register("m");
    register("m");
    register("m");

    AliasMove created = registry.setAlias("m", "production", 1, AliasExpectation.absent());
    assertThatThrownBy(() -> registry.setAlias("m", "production", 2, AliasExpectation.absent()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("points at version 1");
    assertThatThrownBy(() -> registry.setAlias("m", "production", 3, AliasExpectation.at(2)))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("expected version 2");
    assertThatThrownBy(() -> registry.setAlias("m", "staging", 3, AliasExpectation.at(2)))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("does not exist");
    AliasMove moved = registry.setAlias("m", "production", 3, AliasExpectation.at(1));

    assertThat(created.previousVersion()).isEmpty();
    assertThat(created.target().aliases()).containsExactly("production");
    assertThat(moved.previousVersion()).hasValue(1);
    assertThat(moved.target().version()).isEqualTo(3);
    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(3);
    assertThat(registry.get("m", VersionSelector.version(1)).aliases()).isEmpty();
  }

  @Test
  void aliasCanOnlyPointAtAnExistingVersion() {
    register("m");
    assertThatThrownBy(() -> registry.setAlias("m", "production", 2))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("model 'm' has no version 2 (latest is 1)");
    assertThatThrownBy(() -> registry.setAlias("nope", "production", 1))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("model 'nope' does not exist");
    InvalidInputException bad =
        catchThrowableOfType(
            InvalidInputException.class, () -> registry.setAlias("m", "Production", 1));
    assertThat(bad.violations()).extracting(FieldError::field).containsExactly("alias");
  }

  @Test
  void settingAnAliasToWhereItPointsChangesNothingAndKeepsRollbackIntact() {
    register("m");
    register("m");
    registry.setAlias("m", "production", 1);
    registry.setAlias("m", "production", 2);

    AliasMove same = registry.setAlias("m", "production", 2);

    assertThat(same.changed()).isFalse();
    assertThat(same.previousVersion()).hasValue(2);
    assertThat(registry.rollback("m", "production").target().version()).isEqualTo(1);
  }

  @Test
  void rollbackPopsTheAliasHistoryUntilItsFirstVersion() {
    for (int i = 0; i < 4; i++) {
      register("m");
    }
    registry.setAlias("m", "production", 1);
    registry.setAlias("m", "production", 2);
    registry.setAlias("m", "production", 3);

    AliasMove first = registry.rollback("m", "production");
    AliasMove second = registry.rollback("m", "production");

    assertThat(first.target().version()).isEqualTo(2);
    assertThat(first.previousVersion()).hasValue(3);
    assertThat(second.target().version()).isEqualTo(1);
    assertThatThrownBy(() -> registry.rollback("m", "production"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("no earlier version");
    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(1);

    // a new promotion pushes onto what is left: rolling it back returns to 1 again
    registry.setAlias("m", "production", 4);
    assertThat(registry.rollback("m", "production").target().version()).isEqualTo(1);
  }

  @Test
  void promoteOneThenTwoThenRollbackGivesOneAndASecondRollbackIsRefused() {
    register("m");
    register("m");
    registry.setAlias("m", "production", 1);
    registry.setAlias("m", "production", 2);

    assertThat(registry.rollback("m", "production").target().version()).isEqualTo(1);
    assertThatThrownBy(() -> registry.rollback("m", "production"))
        .isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void rollbackOfAMissingModelOrAliasIsNotFound() {
    register("m");
    assertThatThrownBy(() -> registry.rollback("m", "production"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("model 'm' has no alias 'production'");
    assertThatThrownBy(() -> registry.rollback("nope", "production"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("model 'nope' does not exist");
  }

  @Test
  void aliasesAreIndependentPerName() {
    register("m");
    register("m");
    registry.setAlias("m", "staging", 2);
    registry.setAlias("m", "production", 1);
    registry.setAlias("m", "production", 2);

    registry.rollback("m", "production");

    assertThat(registry.get("m", VersionSelector.alias("staging")).version()).isEqualTo(2);
    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(1);
    assertThatThrownBy(() -> registry.rollback("m", "staging"))
        .isInstanceOf(FailedPreconditionException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // promotion policy

  @Test
  void firstCandidateIsPromotedWhenThereIsNoProduction() {
    register("m");

    PromotionDecision d = registry.promoteIfBetter("m", 1, Metric.ROC_AUC, true, 0.01, true);

    assertThat(d.promoted()).isTrue();
    assertThat(d.reason()).isEqualTo(PromotionDecision.Reason.NO_PRODUCTION_YET);
    assertThat(d.productionVersion()).isEmpty();
    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(1);
  }

  @Test
  void betterCandidateIsPromotedAndTheOldProductionCanBeRolledBackTo() {
    register(version("m").metric(Metric.ROC_AUC, 0.80).build());
    register(version("m").metric(Metric.ROC_AUC, 0.83).build());
    registry.setAlias("m", "production", 1);

    PromotionDecision d = registry.promoteIfBetter("m", 2, Metric.ROC_AUC, true, 0.01, true);

    assertThat(d.promoted()).isTrue();
    assertThat(d.reason()).isEqualTo(PromotionDecision.Reason.BETTER);
    assertThat(d.productionVersion()).hasValue(1);
    assertThat(d.candidateValue()).hasValue(0.83);
    assertThat(d.productionValue()).hasValue(0.80);
    assertThat(d.explanation()).contains("over version 1").contains("roc_auc");
    assertThat(registry.rollback("m", "production").target().version()).isEqualTo(1);
  }

  @Test
  void candidateThatDoesNotBeatProductionByTheMarginIsNotPromoted() {
    register(version("m").metric(Metric.ROC_AUC, 0.80).build());
    register(version("m").metric(Metric.ROC_AUC, 0.805).build());
    register(version("m").metric(Metric.ROC_AUC, 0.70).build());
    registry.setAlias("m", "production", 1);

    PromotionDecision slightly = registry.promoteIfBetter("m", 2, Metric.ROC_AUC, true, 0.01, true);
    PromotionDecision worse = registry.promoteIfBetter("m", 3, Metric.ROC_AUC, true, 0.0, true);

    assertThat(slightly.promoted()).isFalse();
    assertThat(slightly.reason()).isEqualTo(PromotionDecision.Reason.NOT_BETTER);
    assertThat(worse.reason()).isEqualTo(PromotionDecision.Reason.NOT_BETTER);
    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(1);
  }

  @Test
  void lowerIsBetterMetricsCompareTheOtherWay() {
    register(version("m").metric(Metric.LOG_LOSS, 0.40).build());
    register(version("m").metric(Metric.LOG_LOSS, 0.30).build());
    registry.setAlias("m", "production", 1);

    PromotionDecision d = registry.promoteIfBetter("m", 2, Metric.LOG_LOSS, 0.05);

    assertThat(d.reason()).isEqualTo(PromotionDecision.Reason.BETTER);
    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(2);
  }

  @Test
  void candidateOnAnotherFeatureSchemaIsNotPromotedUnlessTheCheckIsOff() {
    register(version("m").metric(Metric.ROC_AUC, 0.80).build());
    register(
        NewModelVersion.builder("m", "schema-b", 0.5)
            .artifactFormat(OPAQUE)
            .metric(Metric.ROC_AUC, 0.90)
            .build());
    registry.setAlias("m", "production", 1);

    PromotionDecision checked = registry.promoteIfBetter("m", 2, Metric.ROC_AUC, true, 0.01, true);
    assertThat(checked.promoted()).isFalse();
    assertThat(checked.reason()).isEqualTo(PromotionDecision.Reason.SCHEMA_MISMATCH);
    assertThat(checked.explanation()).contains("schema-b").contains(SCHEMA);
    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(1);

    PromotionDecision unchecked =
        registry.promoteIfBetter("m", 2, Metric.ROC_AUC, true, 0.01, false);
    assertThat(unchecked.reason()).isEqualTo(PromotionDecision.Reason.BETTER);
  }

  @Test
  void promotionNeedsTheMetricOnBothSidesAndDoesNothingForTheCurrentProduction() {
    register(version("m").build());
    register(version("m").metric(Metric.PR_AUC, 0.5).build());
    registry.setAlias("m", "production", 1);

    assertThat(registry.promoteIfBetter("m", 2, Metric.PR_AUC, true, 0, true).reason())
        .isEqualTo(PromotionDecision.Reason.METRIC_MISSING);
    assertThat(registry.promoteIfBetter("m", 1, Metric.ROC_AUC, true, 0, true).reason())
        .isEqualTo(PromotionDecision.Reason.ALREADY_PRODUCTION);
    assertThatThrownBy(() -> registry.promoteIfBetter("m", 9, Metric.ROC_AUC, true, 0, true))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> registry.promoteIfBetter("m", 2, Metric.ROC_AUC, true, -1, true))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void candidateThatDoesNotBeatItsBaselineByMoreThanTheIntervalIsRefusedEvenWithoutProduction() {
    // compared(): model − baseline PR-AUC +0.004 [−0.006, +0.013], ROC-AUC +0.031 [+0.012, +0.049]
    register(
        version("m")
            .metric(Metric.PR_AUC, 0.52)
            .details(VersionDetailsFixtures.compared())
            .build());

    PromotionDecision d = registry.promoteIfBetter("m", 1, Metric.PR_AUC, true, 0, true);

    assertThat(d.promoted()).isFalse();
    assertThat(d.reason()).isEqualTo(PromotionDecision.Reason.NOT_BETTER_THAN_BASELINE);
    assertThat(d.explanation())
        .startsWith("did not promote version 1 of 'm': ")
        .contains("does not beat its logistic baseline on pr_auc by more than the 95%")
        .contains("+0.004 [−0.006, +0.013]");
    assertThatThrownBy(() -> registry.get("m", VersionSelector.alias("production")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void candidateThatBeatsItsBaselineByMoreThanTheIntervalIsJudgedAgainstProduction() {
    register(version("m").metric(Metric.ROC_AUC, 0.80).build());
    register(
        version("m")
            .metric(Metric.ROC_AUC, 0.83)
            .metric(Metric.PR_AUC, 0.52)
            .metric(Metric.LOG_LOSS, 0.30)
            .details(VersionDetailsFixtures.compared())
            .build());
    registry.setAlias("m", "production", 1);

    PromotionDecision refused = registry.promoteIfBetter("m", 2, Metric.PR_AUC, true, 0, true);
    assertThat(refused.reason()).isEqualTo(PromotionDecision.Reason.NOT_BETTER_THAN_BASELINE);
    assertThat(refused.explanation()).startsWith("kept version 1 in production: version 2");

    // log loss: model − baseline −0.02 [−0.03, −0.01] lies below 0, so the model is better
    PromotionDecision byLogLoss = registry.promoteIfBetter("m", 2, Metric.LOG_LOSS, 0.05);
    assertThat(byLogLoss.reason()).isEqualTo(PromotionDecision.Reason.BETTER);

    registry.setAlias("m", "production", 1);
    PromotionDecision byRocAuc = registry.promoteIfBetter("m", 2, Metric.ROC_AUC, true, 0.01, true);
    assertThat(byRocAuc.reason()).isEqualTo(PromotionDecision.Reason.BETTER);
    assertThat(registry.get("m", VersionSelector.alias("production")).version()).isEqualTo(2);
  }

  @Test
  void aMetricWithoutABaselineIntervalIsJudgedAsBefore() {
    // compared() has no paired F1 interval
    register(
        version("m").metric(Metric.F1, 0.6).details(VersionDetailsFixtures.compared()).build());

    assertThat(registry.promoteIfBetter("m", 1, Metric.F1, true, 0, true).reason())
        .isEqualTo(PromotionDecision.Reason.NO_PRODUCTION_YET);
  }

  // ---------------------------------------------------------------------------------------------
  // watch

  /** Records what a watch delivers. */
  protected static final class Recorder implements WatchListener {
    final List<List<AliasChange>> initial = new CopyOnWriteArrayList<>();
    final List<AliasChange> changes = new CopyOnWriteArrayList<>();

    @Override
    public void onInitialState(List<AliasChange> aliases) {
      initial.add(aliases);
    }

    @Override
    public void onChange(AliasChange change) {
      changes.add(change);
    }
  }

  @Test
  void watchDeliversEveryChangeMadeThroughAnotherRegistryOnTheSameDatabaseInOrder() {
    register("m");
    register("m");
    register("m");
    Recorder seen = new Recorder();
    registry.watch(Set.of(), false, seen);
    ModelRegistry other = openRegistry();

    other.setAlias("m", "production", 1);
    other.setAlias("m", "production", 3);
    other.setAlias("m", "staging", 2);
    other.rollback("m", "production");

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.changes.size() >= 4);
    assertThat(seen.initial).isEmpty();
    assertThat(seen.changes)
        .extracting(
            c ->
                c.alias()
                    + ":"
                    + c.previousVersion().orElse(0)
                    + "->"
                    + c.version()
                    + ":"
                    + c.kind())
        .containsExactly(
            "production:0->1:SET",
            "production:1->3:SET",
            "staging:0->2:SET",
            "production:3->1:ROLLBACK");
    assertThat(seen.changes).extracting(AliasChange::changeId).isSorted().doesNotHaveDuplicates();
    assertThat(seen.changes).allSatisfy(c -> assertThat(c.name()).isEqualTo("m"));
  }

  @Test
  void watchStartsWithTheCurrentStateOfTheWatchedModelsOnlyAndThenTheirChanges() {
    register("a");
    register("a");
    register("b");
    registry.setAlias("a", "production", 1);
    registry.setAlias("b", "production", 1);
    Recorder seen = new Recorder();

    registry.watch(Set.of("a"), true, seen);
    registry.setAlias("b", "staging", 1);
    registry.setAlias("a", "production", 2);

    assertThat(seen.initial).hasSize(1);
    assertThat(seen.initial.get(0))
        .extracting(c -> c.name() + "/" + c.alias() + "=" + c.version() + ":" + c.kind())
        .containsExactly("a/production=1:INITIAL");
    await().atMost(Duration.ofSeconds(10)).until(() -> !seen.changes.isEmpty());
    assertThat(seen.changes)
        .extracting(c -> c.name() + "/" + c.alias() + "=" + c.version())
        .containsExactly("a/production=2");
  }

  @Test
  void everyAliasChangeRecordsWhoMadeItForWatchersAndLaterWatchersToo() {
    register("m");
    register("m");
    Recorder seen = new Recorder();
    registry.watch(Set.of("m"), false, seen);

    registry.setAlias("m", "production", 1, AliasExpectation.any(), "alice");
    registry.setAlias("m", "production", 2, AliasExpectation.any(), "bob");
    registry.rollback("m", "production", "carol");

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.changes.size() >= 3);
    assertThat(seen.changes)
        .extracting(
            c ->
                c.actor()
                    + ":"
                    + c.kind()
                    + ":"
                    + c.previousVersion().orElse(0)
                    + "->"
                    + c.version())
        .containsExactly("alice:SET:0->1", "bob:SET:1->2", "carol:ROLLBACK:2->1");

    // a watcher arriving later sees who made each alias's newest change, also from a fresh registry
    Recorder later = new Recorder();
    openRegistry().watch(Set.of("m"), true, later);
    assertThat(later.initial.get(0))
        .extracting(c -> c.alias() + "=" + c.version() + " by " + c.actor())
        .containsExactly("production=1 by carol");
  }

  @Test
  void aMoveWithoutAnActorIsRecordedAsTheSystem() {
    register("m");
    Recorder seen = new Recorder();
    registry.watch(Set.of("m"), false, seen);

    registry.setAlias("m", "production", 1);

    await().atMost(Duration.ofSeconds(10)).until(() -> !seen.changes.isEmpty());
    assertThat(seen.changes.get(0).actor()).isEqualTo(ModelRegistry.SYSTEM_ACTOR);
  }

  @Test
  void closedWatchReceivesNothingMoreWhileOthersDo() {
    register("m");
    register("m");
    Recorder closed = new Recorder();
    Recorder open = new Recorder();
    Subscription subscription = registry.watch(Set.of(), false, closed);
    registry.watch(Set.of(), false, open);

    subscription.close();
    registry.setAlias("m", "production", 1);
    registry.setAlias("m", "production", 2);

    await().atMost(Duration.ofSeconds(10)).until(() -> open.changes.size() == 2);
    assertThat(closed.changes).isEmpty();
  }

  @Test
  void watchRefusesMalformedNames() {
    InvalidInputException e =
        catchThrowableOfType(
            InvalidInputException.class,
            () -> registry.watch(Set.of("Not Valid"), false, new Recorder()));
    assertThat(e.violations()).extracting(FieldError::field).containsExactly("names[0]");
  }
}
