package io.propensity.training.registry;

import io.propensity.common.error.FieldError;
import io.propensity.runtime.LightGbmTrees;
import io.propensity.runtime.ModelLoadException;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.training.registry.VersionDetails.GoldenRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a LightGBM text artifact can be served with its version's details, checked as
 * inference-service checks it before it serves a version: the text parses as a model whose every
 * tree is a tree with every index in range (model-runtime's pure-Java {@link LightGbmTrees}, so no
 * native code ever reads an untrusted model here), the schema describes its features ({@link
 * LightGbmArtifactSchema}), the model reads as many features as the schema has, and every golden
 * row scores, through the version's calibration, its expected probability within {@link
 * #GOLDEN_TOLERANCE}.
 */
final class LightGbmArtifactCheck {
  /**
   * Largest accepted |probability − expected| of a golden row: what the contract promises and
   * inference-service applies by default.
   */
  static final double GOLDEN_TOLERANCE = 1e-6;

  /** Most golden rows named one by one; the rest are counted (the error has to fit a header). */
  private static final int MAX_LISTED_ROWS = 3;

  private LightGbmArtifactCheck() {}

  /**
   * What keeps {@code text} from being served with {@code details}, as field violations ({@code
   * artifact}, {@code feature_schema.features...} or {@code golden_rows[i]...}); empty when nothing
   * does. Stops at the first kind of problem, since later checks need the earlier ones.
   */
  static List<FieldError> problems(VersionDetails details, String text) {
    LightGbmTrees trees;
    try {
      trees = LightGbmTrees.fromModelText(text);
    } catch (ModelLoadException e) {
      return List.of(new FieldError("artifact", "cannot be served: " + e.getMessage()));
    } catch (RuntimeException e) {
      // the parser's own checks should refuse everything malformed; never let a gap in them
      // through
      return List.of(
          new FieldError("artifact", "cannot be served: the model could not be parsed: " + e));
    }
    List<FieldError> schema = schemaProblems(details, text);
    if (!schema.isEmpty()) {
      return schema;
    }
    int features = details.features().size();
    if (trees.featureCount() != features) {
      return List.of(
          new FieldError(
              "artifact",
              "reads "
                  + trees.featureCount()
                  + " features (max_feature_idx + 1) but the schema has "
                  + features));
    }
    return goldenRowProblems(details, trees);
  }

  private static List<FieldError> schemaProblems(VersionDetails details, String text) {
    Optional<LightGbmArtifactSchema> model = LightGbmArtifactSchema.read(text);
    if (model.isEmpty()) {
      return List.of(
          new FieldError(
              "artifact", "is a LightGBM model without a feature_names line in its header"));
    }
    if (details.features().isEmpty()) {
      return List.of(
          new FieldError(
              "feature_schema.features",
              "is empty but the artifact has "
                  + model.get().names().size()
                  + " features; a version's schema names its model's features, in order"));
    }
    return model.get().problems(details.features());
  }

  private static List<FieldError> goldenRowProblems(VersionDetails details, LightGbmTrees trees) {
    Calibration calibration = details.calibration().calibration();
    List<GoldenRow> rows = details.goldenRows();
    List<FieldError> out = new ArrayList<>();
    int wrong = 0;
    for (int i = 0; i < rows.size(); i++) {
      Optional<FieldError> problem = goldenRowProblem(i, rows.get(i), trees, calibration);
      if (problem.isPresent() && wrong++ < MAX_LISTED_ROWS) {
        out.add(problem.get());
      }
    }
    if (wrong > MAX_LISTED_ROWS) {
      out.add(
          new FieldError(
              "golden_rows",
              (wrong - MAX_LISTED_ROWS) + " more of the " + rows.size() + " rows do not match"));
    }
    return out;
  }

  private static Optional<FieldError> goldenRowProblem(
      int i, GoldenRow g, LightGbmTrees trees, Calibration calibration) {
    if (g.values().size() != trees.featureCount()) {
      return Optional.of(
          new FieldError(
              "golden_rows[" + i + "].values",
              g.values().size() + " values but the schema has " + trees.featureCount()));
    }
    double raw = trees.predictRaw(g.values().stream().mapToDouble(Double::doubleValue).toArray());
    double probability = calibration.probability(raw);
    if (Math.abs(probability - g.expectedProbability()) <= GOLDEN_TOLERANCE) {
      return Optional.empty();
    }
    return Optional.of(
        new FieldError(
            "golden_rows[" + i + "]",
            "the artifact scores "
                + probability
                + " (raw score "
                + raw
                + " through "
                + calibration.method().name().toLowerCase(Locale.ROOT)
                + " calibration) but expected_probability is "
                + g.expectedProbability()
                + " (tolerance "
                + GOLDEN_TOLERANCE
                + "); the artifact is not the model these rows were scored with"));
  }
}
