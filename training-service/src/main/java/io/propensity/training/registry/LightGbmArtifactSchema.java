package io.propensity.training.registry;

import io.propensity.common.error.FieldError;
import io.propensity.engine.features.FeatureType;
import io.propensity.runtime.LightGbmFeatures;
import io.propensity.runtime.ModelLoadException;
import io.propensity.training.registry.VersionDetails.FeatureDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a version's schema gets wrong about its LightGBM text artifact (read by model-runtime's
 * {@link LightGbmFeatures}, as inference-service reads it before serving): a model is served by its
 * schema, so a schema that names other features, or the same ones in another order, or calls a
 * numerical split categorical, would score garbage or nothing at all.
 *
 * @param model the artifact's feature layout
 */
record LightGbmArtifactSchema(LightGbmFeatures model) {

  private static final int MAX_LISTED = 5;

  /**
   * Reads the features of the LightGBM text model {@code text}.
   *
   * @return empty when the text is not a LightGBM text model with a {@code feature_names} line
   */
  static Optional<LightGbmArtifactSchema> read(String text) {
    try {
      return Optional.of(new LightGbmArtifactSchema(LightGbmFeatures.read(text)));
    } catch (ModelLoadException e) {
      return Optional.empty();
    }
  }

  List<String> names() {
    return model.names();
  }

  Set<Integer> categorical() {
    return model.categorical();
  }

  /** Whether the model treats column {@code i} as categorical (declared, or split on as one). */
  boolean isCategorical(int i) {
    return model.categorical().contains(i);
  }

  /**
   * What {@code schema} gets wrong about this model, as field violations under {@code
   * feature_schema.features}: a different count, the first name that differs (LightGBM's sanitised
   * form of the schema's names, see {@link LightGbmFeatures#lightGbmNames}), and every CATEGORICAL
   * feature the model does not split on as a category. Empty when the schema describes the model.
   */
  List<FieldError> problems(List<FeatureDefinition> schema) {
    List<FieldError> out = new ArrayList<>();
    List<String> expected =
        LightGbmFeatures.lightGbmNames(schema.stream().map(FeatureDefinition::name).toList());
    if (schema.size() != names().size()) {
      out.add(
          new FieldError(
              "feature_schema.features",
              schema.size()
                  + " features "
                  + listed(expected)
                  + " but the artifact's feature_names has "
                  + names().size()
                  + " "
                  + listed(names())
                  + firstDifference(expected)));
      return out;
    }
    for (int i = 0; i < names().size(); i++) {
      if (!expected.get(i).equals(names().get(i))) {
        String sanitised =
            expected.get(i).equals(schema.get(i).name())
                ? ""
                : " (LightGBM's name for '" + schema.get(i).name() + "')";
        out.add(
            new FieldError(
                "feature_schema.features[" + i + "].name",
                "expected '"
                    + expected.get(i)
                    + "'"
                    + sanitised
                    + " at position "
                    + i
                    + " but the artifact's feature_names has '"
                    + names().get(i)
                    + "' there (the first of the names that differ)"));
        return out;
      }
    }
    for (int i = 0; i < schema.size(); i++) {
      boolean declared = schema.get(i).type().filter(t -> t == FeatureType.CATEGORICAL).isPresent();
      if (declared && !isCategorical(i) && !model.unused(i)) {
        out.add(
            new FieldError(
                "feature_schema.features[" + i + "].type",
                "CATEGORICAL but the artifact's feature "
                    + i
                    + " '"
                    + names().get(i)
                    + "' is numerical (feature_infos "
                    + (i < model.infos().size() ? model.infos().get(i) : "absent")
                    + ", not in categorical_feature)"));
      } else if (!declared && isCategorical(i)) {
        out.add(
            new FieldError(
                "feature_schema.features[" + i + "].type",
                schema.get(i).type().map(Enum::name).orElse("unset")
                    + " but the artifact's feature "
                    + i
                    + " '"
                    + names().get(i)
                    + "' is categorical (it would read the value as a category code); declare it"
                    + " CATEGORICAL with its levels"));
      }
    }
    return out;
  }

  private String firstDifference(List<String> expected) {
    int n = Math.min(expected.size(), names().size());
    for (int i = 0; i < n; i++) {
      if (!expected.get(i).equals(names().get(i))) {
        return "; first difference at position "
            + i
            + ": expected '"
            + expected.get(i)
            + "', found '"
            + names().get(i)
            + "'";
      }
    }
    return expected.size() > names().size()
        ? "; the schema goes on with '" + expected.get(n) + "' at position " + n
        : "; the artifact goes on with '" + names().get(n) + "' at position " + n;
  }

  private static String listed(List<String> names) {
    if (names.isEmpty()) {
      return "()";
    }
    String head = String.join(", ", names.subList(0, Math.min(MAX_LISTED, names.size())));
    return "(" + head + (names.size() > MAX_LISTED ? ", …" : "") + ")";
  }
}
