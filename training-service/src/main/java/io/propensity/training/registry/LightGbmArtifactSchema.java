package io.propensity.training.registry;

import io.propensity.common.error.FieldError;
import io.propensity.engine.features.FeatureType;
import io.propensity.training.pipeline.model.LightGbmTrainer;
import io.propensity.training.registry.VersionDetails.FeatureDefinition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The features a LightGBM text model takes, as its text says (the header's {@code feature_names}
 * and {@code feature_infos}, the parameters' {@code categorical_feature}), and what a version's
 * schema gets wrong about them: a model is served by its schema, so a schema that names other
 * features, or the same ones in another order, or calls a numerical split categorical, would score
 * garbage or nothing at all.
 *
 * @param names the model's feature names, in column order
 * @param infos the model's {@code feature_infos}, one per feature: {@code [min:max]} for a
 *     numerical feature, the codes seen joined by {@code :} for a categorical one, {@code none} for
 *     a feature no tree uses; empty when the header has none
 * @param categorical the columns declared categorical by the {@code categorical_feature} parameter
 */
record LightGbmArtifactSchema(List<String> names, List<String> infos, Set<Integer> categorical) {

  private static final int MAX_LISTED = 5;

  LightGbmArtifactSchema {
    names = List.copyOf(names);
    infos = List.copyOf(infos);
    categorical = Set.copyOf(categorical);
  }

  /**
   * Reads the features of the LightGBM text model in {@code in}.
   *
   * @return empty when the bytes are not a LightGBM text model with a {@code feature_names} line
   */
  static Optional<LightGbmArtifactSchema> read(InputStream in) throws IOException {
    BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                in,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)));
    String line = r.readLine();
    while (line != null && line.isBlank()) {
      line = r.readLine();
    }
    if (line == null || !line.strip().equals("tree")) {
      return Optional.empty();
    }
    List<String> names = null;
    List<String> infos = List.of();
    Set<Integer> categorical = new HashSet<>();
    String categoricalParam = null;
    boolean inHeader = true;
    while ((line = r.readLine()) != null) {
      String s = line.strip();
      if (inHeader && (s.startsWith("Tree=") || s.equals("end of trees"))) {
        inHeader = false;
      } else if (inHeader && s.startsWith("feature_names=")) {
        names = tokens(s.substring("feature_names=".length()));
      } else if (inHeader && s.startsWith("feature_infos=")) {
        infos = tokens(s.substring("feature_infos=".length()));
      } else if (!inHeader && s.startsWith("[categorical_feature:") && s.endsWith("]")) {
        categoricalParam = s.substring("[categorical_feature:".length(), s.length() - 1).strip();
      }
    }
    if (names == null) {
      return Optional.empty();
    }
    if (categoricalParam != null && !categoricalParam.isEmpty()) {
      String list =
          categoricalParam.startsWith("name:")
              ? categoricalParam.substring("name:".length())
              : categoricalParam;
      for (String c : list.split(",")) {
        String t = c.strip();
        if (t.isEmpty()) {
          continue;
        }
        try {
          categorical.add(Integer.parseInt(t));
        } catch (NumberFormatException e) {
          int i = names.indexOf(t);
          if (i >= 0) {
            categorical.add(i);
          }
        }
      }
    }
    return Optional.of(new LightGbmArtifactSchema(names, infos, categorical));
  }

  private static List<String> tokens(String s) {
    String t = s.strip();
    return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
  }

  /** Whether the model treats column {@code i} as categorical (declared, or split on as one). */
  boolean isCategorical(int i) {
    if (categorical.contains(i)) {
      return true;
    }
    String info = i < infos.size() ? infos.get(i) : "none";
    return !info.equals("none") && !info.startsWith("[");
  }

  /** Whether no tree of the model uses column {@code i}, so its kind cannot matter. */
  private boolean unused(int i) {
    return i < infos.size() && infos.get(i).equals("none") && !categorical.contains(i);
  }

  /**
   * What {@code schema} gets wrong about this model, as field violations under {@code
   * feature_schema.features}: a different count, the first name that differs (LightGBM's sanitised
   * form of the schema's names, see {@link LightGbmTrainer#lightGbmFeatureNames}), and every
   * CATEGORICAL feature the model does not split on as a category. Empty when the schema describes
   * the model.
   */
  List<FieldError> problems(List<FeatureDefinition> schema) {
    List<FieldError> out = new ArrayList<>();
    List<String> expected =
        LightGbmTrainer.lightGbmFeatureNames(schema.stream().map(FeatureDefinition::name).toList());
    if (schema.size() != names.size()) {
      out.add(
          new FieldError(
              "feature_schema.features",
              schema.size()
                  + " features "
                  + listed(expected)
                  + " but the artifact's feature_names has "
                  + names.size()
                  + " "
                  + listed(names)
                  + firstDifference(expected)));
      return out;
    }
    for (int i = 0; i < names.size(); i++) {
      if (!expected.get(i).equals(names.get(i))) {
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
                    + names.get(i)
                    + "' there (the first of the names that differ)"));
        return out;
      }
    }
    for (int i = 0; i < schema.size(); i++) {
      boolean declared = schema.get(i).type().filter(t -> t == FeatureType.CATEGORICAL).isPresent();
      if (declared && !isCategorical(i) && !unused(i)) {
        out.add(
            new FieldError(
                "feature_schema.features[" + i + "].type",
                "CATEGORICAL but the artifact's feature "
                    + i
                    + " '"
                    + names.get(i)
                    + "' is numerical (feature_infos "
                    + (i < infos.size() ? infos.get(i) : "absent")
                    + ", not in categorical_feature)"));
      }
    }
    return out;
  }

  private String firstDifference(List<String> expected) {
    int n = Math.min(expected.size(), names.size());
    for (int i = 0; i < n; i++) {
      if (!expected.get(i).equals(names.get(i))) {
        return "; first difference at position "
            + i
            + ": expected '"
            + expected.get(i)
            + "', found '"
            + names.get(i)
            + "'";
      }
    }
    return expected.size() > names.size()
        ? "; the schema goes on with '" + expected.get(n) + "' at position " + n
        : "; the artifact goes on with '" + names.get(n) + "' at position " + n;
  }

  private static String listed(List<String> names) {
    if (names.isEmpty()) {
      return "()";
    }
    String head = String.join(", ", names.subList(0, Math.min(MAX_LISTED, names.size())));
    return "(" + head + (names.size() > MAX_LISTED ? ", …" : "") + ")";
  }
}
