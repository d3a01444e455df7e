package io.propensity.inference.reload;

import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.engine.features.FeatureType;
import io.propensity.inference.serving.ArtifactFormat;
import io.propensity.inference.serving.GoldenRow;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ModelSchema;
import io.propensity.inference.serving.ServedModel;
import io.propensity.runtime.LightGbmFeatures;
import io.propensity.runtime.LightGbmJavaModel;
import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ModelLoadException;
import io.propensity.runtime.ScoringModel;
import io.propensity.runtime.calibration.CalibratedModel;
import io.propensity.runtime.signing.ModelStatement;
import io.propensity.runtime.signing.TrustedModelKeys;
import io.propensity.runtime.table.TableColumn;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a registry version into a {@link ServedModel}, or refuses it. In order: format, schema (an
 * ENGINE version's must be the service's; a PROVIDED version's must say how to encode each feature
 * and, once downloaded, describe the artifact's features) and calibration (before downloading),
 * size and SHA-256 of the bytes against both the registered and the announced checksum, the
 * registry's signature when signatures are verified (before anything parses the bytes), LightGBM
 * load by the configured {@link ScorerLoader} (the pure-Java scorer by default: its trees and
 * TreeSHAP tables are built here, before {@link ModelReloader} swaps the version in), feature
 * count, golden rows (scored through the version's calibration, as every served probability is),
 * warm-up. Nothing is served unless every check passes, and a refused model is closed (holding no
 * native memory afterwards with the native scorer).
 */
public final class ModelLoader {

  /**
   * Builds the scoring model from its text: the seam where the scorer is chosen ({@link #JAVA} or
   * {@link #nativeLightGbm}). A model it returns must be complete (parsed, checked, its tables
   * built), because {@link #load} hands it on to be swapped in as is.
   */
  @FunctionalInterface
  public interface ScorerLoader {
    ScoringModel load(String modelText, int concurrentScorers) throws ModelLoadException;
  }

  /**
   * model-runtime's pure-Java scorer: trees and TreeSHAP tables built at load, no native library,
   * no temp file, no pool (any number of requests score one model at once), so {@code
   * concurrentScorers} is not used.
   */
  public static final ScorerLoader JAVA = (text, scorers) -> LightGbmJavaModel.fromModelText(text);

  /** LightGBM's native library through model-runtime, with one scoring thread. */
  public static final ScorerLoader NATIVE = nativeLightGbm(1);

  /**
   * LightGBM's native library through model-runtime, {@code concurrentScorers} boosters per model;
   * {@code scoringThreads} is LightGBM's process-wide {@code num_threads} set by each load (0 =
   * OpenMP default).
   */
  public static ScorerLoader nativeLightGbm(int scoringThreads) {
    return (text, scorers) ->
        LightGbmModel.fromModelText(
            text,
            LightGbmModel.LoadOptions.defaults()
                .withMaxConcurrentScorers(scorers)
                .withScoringThreads(scoringThreads));
  }

  /** The loader of a configured scorer; {@code scoringThreads} matters to {@code native} only. */
  public static ScorerLoader loaderOf(ScorerKind kind, int scoringThreads) {
    return switch (kind) {
      case JAVA -> JAVA;
      case NATIVE -> nativeLightGbm(scoringThreads);
    };
  }

  /**
   * Load settings.
   *
   * @param concurrentScorers native scorers per model (rows scored in parallel per version, for the
   *     native scorer) and the multiplier of warm-up passes
   * @param goldenTolerance largest accepted |probability - expected| on a golden row
   * @param maxArtifactBytes largest artifact accepted
   * @param warmUpRounds passes over the warm-up rows per scorer
   */
  public record Settings(
      int concurrentScorers, double goldenTolerance, long maxArtifactBytes, int warmUpRounds) {
    public Settings {
      if (concurrentScorers < 1) {
        throw new IllegalArgumentException("concurrentScorers must be at least 1");
      }
      if (!(goldenTolerance >= 0)) {
        throw new IllegalArgumentException("goldenTolerance must be >= 0");
      }
    }
  }

  private final FeatureSchema schema;
  private final Settings settings;
  private final ScorerLoader scorerLoader;
  private final Clock clock;
  private final Optional<TrustedModelKeys> trustedKeys;

  /** A loader that does not verify model signatures. */
  public ModelLoader(
      FeatureSchema schema, Settings settings, ScorerLoader scorerLoader, Clock clock) {
    this(schema, settings, scorerLoader, clock, Optional.empty());
  }

  /**
   * A loader that, when {@code trustedKeys} is present, loads only versions signed by one of them
   * over the bytes received, the version's name and its schema.
   */
  public ModelLoader(
      FeatureSchema schema,
      Settings settings,
      ScorerLoader scorerLoader,
      Clock clock,
      Optional<TrustedModelKeys> trustedKeys) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scorerLoader = Objects.requireNonNull(scorerLoader, "scorerLoader");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Checks what can be checked before the download: format, schema, size, threshold, calibration.
   */
  public void checkDescriptor(ModelDescriptor d) throws ModelRefusedException {
    if (d.format() != ArtifactFormat.LIGHTGBM_TEXT) {
      throw new ModelRefusedException(
          RefusalReason.FORMAT, d.label() + ": artifact format is not LightGBM text");
    }
    if (d.provided()) {
      checkProvidedSchema(d);
    } else {
      checkEngineSchema(d);
    }
    if (d.artifactSizeBytes() > settings.maxArtifactBytes()) {
      throw new ModelRefusedException(
          RefusalReason.TOO_LARGE,
          d.label()
              + ": artifact of "
              + d.artifactSizeBytes()
              + " bytes, at most "
              + settings.maxArtifactBytes()
              + " accepted");
    }
    if (!(d.threshold() >= 0 && d.threshold() <= 1)) {
      throw new ModelRefusedException(
          RefusalReason.METADATA,
          d.label() + ": threshold " + d.threshold() + " is outside 0 to 1");
    }
    if (d.calibrationProblem().isPresent()) {
      throw new ModelRefusedException(
          RefusalReason.CALIBRATION,
          d.label() + ": the registered calibration is unusable: " + d.calibrationProblem().get());
    }
  }

  /** An ENGINE version must be of the schema this service computes. */
  private void checkEngineSchema(ModelDescriptor d) throws ModelRefusedException {
    if (!d.schemaHash().equals(schema.versionHash())) {
      throw new ModelRefusedException(
          RefusalReason.SCHEMA,
          d.label()
              + " was trained on feature schema '"
              + d.schemaHash()
              + "', this service computes '"
              + schema.versionHash()
              + "'");
    }
    if (!d.featureNames().isEmpty() && !d.featureNames().equals(schema.names())) {
      throw new ModelRefusedException(
          RefusalReason.SCHEMA,
          d.label() + ": registered feature names differ from the schema's despite an equal hash");
    }
  }

  /** A PROVIDED version's schema must say how to encode every feature. */
  private static void checkProvidedSchema(ModelDescriptor d) throws ModelRefusedException {
    if (d.schema().features().isEmpty()) {
      throw new ModelRefusedException(
          RefusalReason.SCHEMA,
          d.label() + ": its provided feature schema '" + d.schemaHash() + "' lists no features");
    }
    try {
      d.schema().columns();
    } catch (IllegalArgumentException e) {
      throw new ModelRefusedException(
          RefusalReason.SCHEMA,
          d.label() + ": its provided feature schema is unusable: " + e.getMessage(),
          e);
    }
  }

  /**
   * A PROVIDED version's schema must describe its artifact: the same features, named the same, in
   * the same order (as LightGBM names a table's columns), and categorical exactly where the model
   * splits on sets of codes.
   */
  private static void checkDescribesArtifact(ModelDescriptor d, String modelText)
      throws ModelRefusedException {
    LightGbmFeatures read;
    try {
      read = LightGbmFeatures.read(modelText);
    } catch (ModelLoadException e) {
      throw new ModelRefusedException(RefusalReason.CORRUPT, d.label() + ": " + e.getMessage(), e);
    }
    List<String> names = d.featureNames();
    if (read.names().size() != names.size()) {
      throw new ModelRefusedException(
          RefusalReason.SCHEMA,
          d.label()
              + ": the schema does not describe the artifact: the model reads "
              + read.names().size()
              + " features, the schema lists "
              + names.size());
    }
    List<String> expected = LightGbmFeatures.lightGbmNames(names);
    for (int i = 0; i < names.size(); i++) {
      if (!expected.get(i).equals(read.names().get(i))) {
        throw new ModelRefusedException(
            RefusalReason.SCHEMA,
            d.label()
                + ": the schema does not describe the artifact: feature "
                + i
                + " is '"
                + names.get(i)
                + "' in the schema, '"
                + read.names().get(i)
                + "' in the model");
      }
    }
    List<ModelSchema.Feature> features = d.schema().features();
    for (int i = 0; i < features.size(); i++) {
      boolean schemaCategorical = features.get(i).type().orElse(null) == FeatureType.CATEGORICAL;
      // a feature no tree uses cannot be misread, whatever its kind (as the registry checks it)
      if (!read.unused(i) && schemaCategorical != read.categorical().contains(i)) {
        throw new ModelRefusedException(
            RefusalReason.SCHEMA,
            d.label()
                + ": the schema does not describe the artifact: feature '"
                + names.get(i)
                + "' is "
                + (schemaCategorical ? "" : "not ")
                + "categorical in the schema but "
                + (schemaCategorical ? "not " : "")
                + "in the model");
      }
    }
  }

  /**
   * Verifies, loads, validates and warms up a version.
   *
   * @param alias the alias it is served for
   */
  public ServedModel load(ModelDescriptor d, Artifact artifact, String alias)
      throws ModelRefusedException {
    checkDescriptor(d);
    String sha = verifyBytes(d, artifact);
    verifySignature(d, artifact, sha);
    String text = new String(artifact.bytes(), StandardCharsets.UTF_8);
    if (d.provided()) {
      checkDescribesArtifact(d, text);
    }
    ScoringModel model;
    try {
      model =
          CalibratedModel.of(
              scorerLoader.load(text, settings.concurrentScorers()), d.calibration());
    } catch (ModelLoadException e) {
      throw new ModelRefusedException(RefusalReason.CORRUPT, d.label() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ModelRefusedException(
          RefusalReason.CORRUPT, d.label() + ": the model could not be loaded: " + e, e);
    }
    try {
      int size = size(d);
      if (model.featureCount() != size) {
        throw new ModelRefusedException(
            RefusalReason.SCHEMA,
            d.label()
                + ": the model reads "
                + model.featureCount()
                + " features, the schema has "
                + size);
      }
      checkGoldenRows(d, model);
      warmUp(d, model);
      return new ServedModel(d, model, schema, alias, sha, clock.instant());
    } catch (ModelRefusedException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Features a row of this version has: its own schema's when provided, else the service's. */
  private int size(ModelDescriptor d) {
    return d.provided() ? d.schema().size() : schema.size();
  }

  private String verifyBytes(ModelDescriptor d, Artifact a) throws ModelRefusedException {
    byte[] bytes = a.bytes();
    if (bytes.length != d.artifactSizeBytes() || bytes.length != a.announcedSizeBytes()) {
      throw new ModelRefusedException(
          RefusalReason.CHECKSUM,
          d.label()
              + ": received "
              + bytes.length
              + " bytes, registered size "
              + d.artifactSizeBytes()
              + ", announced "
              + a.announcedSizeBytes());
    }
    String actual = sha256(bytes);
    if (!actual.equals(d.artifactSha256()) || !actual.equals(a.announcedSha256())) {
      throw new ModelRefusedException(
          RefusalReason.CHECKSUM,
          d.label()
              + ": SHA-256 of the bytes is "
              + actual
              + ", registered "
              + d.artifactSha256()
              + ", announced "
              + a.announcedSha256());
    }
    return actual;
  }

  /**
   * With signatures verified, the registry's signature must vouch for exactly these bytes under
   * this name and schema. Checked before any parser sees the bytes: the model parser is the attack
   * surface a forged artifact aims at.
   */
  private void verifySignature(ModelDescriptor d, Artifact a, String sha)
      throws ModelRefusedException {
    if (trustedKeys.isEmpty()) {
      return;
    }
    ModelStatement statement =
        new ModelStatement(
            d.name(), ModelStatement.LIGHTGBM_TEXT, sha, a.bytes().length, d.schemaHash());
    Optional<String> why = trustedKeys.get().whyUntrusted(statement, a.signature());
    if (why.isPresent()) {
      throw new ModelRefusedException(
          RefusalReason.SIGNATURE,
          d.label() + ": refused before parsing, model signatures are verified and " + why.get());
    }
  }

  /** Lower-case hex SHA-256. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private void checkGoldenRows(ModelDescriptor d, ScoringModel model) throws ModelRefusedException {
    List<GoldenRow> rows = d.goldenRows();
    for (int i = 0; i < rows.size(); i++) {
      double[] values = rows.get(i).values();
      if (values.length != size(d)) {
        throw new ModelRefusedException(
            RefusalReason.GOLDEN_ROWS,
            d.label()
                + ": golden row "
                + i
                + " has "
                + values.length
                + " values, the schema has "
                + size(d));
      }
      double expected = rows.get(i).expectedProbability();
      double actual;
      try {
        actual = model.predictProbability(values);
      } catch (RuntimeException e) {
        throw new ModelRefusedException(
            RefusalReason.GOLDEN_ROWS,
            d.label() + ": golden row " + i + " cannot be scored: " + e.getMessage(),
            e);
      }
      if (!(Math.abs(actual - expected) <= settings.goldenTolerance())) {
        throw new ModelRefusedException(
            RefusalReason.GOLDEN_ROWS,
            d.label()
                + ": golden row "
                + i
                + " scores "
                + actual
                + ", registered "
                + expected
                + " (tolerance "
                + settings.goldenTolerance()
                + ")");
      }
    }
  }

  /**
   * Scores every prediction type on a few rows, as many passes as there are native scorers (the
   * pool hands them out round-robin), so that the first real requests pay neither for lazy native
   * set-up nor, with the Java scorer, for running the scoring code interpreted.
   */
  private void warmUp(ModelDescriptor d, ScoringModel model) throws ModelRefusedException {
    List<double[]> rows = new ArrayList<>();
    if (d.provided()) {
      // every value missing, as a provided row may send it
      rows.add(d.schema().columns().stream().mapToDouble(TableColumn::missing).toArray());
    } else {
      rows.add(BatchFeatureComputer.coldStart().values());
    }
    double[] missing = new double[size(d)];
    Arrays.fill(missing, Double.NaN);
    rows.add(missing);
    d.goldenRows().stream().limit(8).forEach(g -> rows.add(g.values()));
    int passes = settings.warmUpRounds() * settings.concurrentScorers();
    try {
      for (int p = 0; p < passes; p++) {
        for (double[] row : rows) {
          double probability = model.predictProbability(row);
          double raw = model.contributions(row).rawScore();
          if (!(probability >= 0 && probability <= 1) || !Double.isFinite(raw)) {
            throw new ModelRefusedException(
                RefusalReason.WARM_UP,
                d.label() + ": warm-up scored probability " + probability + ", raw " + raw);
          }
        }
      }
    } catch (RuntimeException e) {
      throw new ModelRefusedException(
          RefusalReason.WARM_UP, d.label() + ": warm-up failed: " + e.getMessage(), e);
    }
  }
}
