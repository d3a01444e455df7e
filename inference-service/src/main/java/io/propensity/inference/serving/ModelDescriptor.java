package io.propensity.inference.serving;

import io.propensity.engine.labels.Target;
import io.propensity.runtime.calibration.Calibration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the registry says about one model version: enough to check, load and describe it.
 *
 * @param name model name, e.g. {@code purchase-7d}
 * @param version version number, ≥ 1
 * @param schema the feature schema the model was trained on, as registered (its source, hash and
 *     features)
 * @param target what the model predicts, when recorded
 * @param threshold decision threshold on the (calibrated) probability, 0 to 1
 * @param format artifact format
 * @param artifactSha256 lower-case hex SHA-256 of the artifact, as registered
 * @param artifactSizeBytes artifact size as registered
 * @param goldenRows reference rows the loaded artifact must reproduce
 * @param evaluation the test evaluation, when recorded
 * @param calibration how the artifact's raw score becomes the probability served ({@link
 *     Calibration#none()} for a version without one)
 * @param calibrationProblem why the registered calibration cannot be served (corrupt numbers, or
 *     missing although the evaluation was made on calibrated probabilities); a version with a
 *     problem is refused, never served with another calibration
 */
public record ModelDescriptor(
    String name,
    long version,
    ModelSchema schema,
    Optional<Target> target,
    double threshold,
    ArtifactFormat format,
    String artifactSha256,
    long artifactSizeBytes,
    List<GoldenRow> goldenRows,
    Optional<ModelEvaluation> evaluation,
    Calibration calibration,
    Optional<String> calibrationProblem) {

  /**
   * A version without calibration, known by schema hash and feature names (source by {@link
   * ModelSchema#sourceOf}).
   */
  public ModelDescriptor(
      String name,
      long version,
      String schemaHash,
      List<String> featureNames,
      Optional<Target> target,
      double threshold,
      ArtifactFormat format,
      String artifactSha256,
      long artifactSizeBytes,
      List<GoldenRow> goldenRows,
      Optional<ModelEvaluation> evaluation) {
    this(
        name,
        version,
        ModelSchema.ofNames(schemaHash, featureNames),
        target,
        threshold,
        format,
        artifactSha256,
        artifactSizeBytes,
        goldenRows,
        evaluation,
        Calibration.none(),
        Optional.empty());
  }

  public ModelDescriptor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(artifactSha256, "artifactSha256");
    goldenRows = List.copyOf(goldenRows);
    Objects.requireNonNull(evaluation, "evaluation");
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(calibrationProblem, "calibrationProblem");
  }

  /** Version hash of the feature schema the model was trained on. */
  public String schemaHash() {
    return schema.versionHash();
  }

  /** The schema's feature names, in order, as registered. */
  public List<String> featureNames() {
    return schema.names();
  }

  /** Whether the model takes provided features (a team's own table) rather than computing them. */
  public boolean provided() {
    return schema.provided();
  }

  /** {@code name@version}, for logs and messages. */
  public String label() {
    return name + "@" + version;
  }
}
