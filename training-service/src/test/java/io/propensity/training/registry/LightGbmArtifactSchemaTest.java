package io.propensity.training.registry;

import static io.propensity.training.registry.VersionDetailsFixtures.lightGbmText;
import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.common.error.FieldError;
import io.propensity.engine.features.FeatureType;
import io.propensity.training.registry.VersionDetails.FeatureDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LightGbmArtifactSchemaTest {

  private static final String MODEL =
      lightGbmText(
          List.of("Administrative", "Month", "Visitor_Type", "Weekend"),
          List.of("[0:27]", "1:2:3:4", "1:3", "[0:1]"),
          "1,2");

  static LightGbmArtifactSchema read(String text) throws IOException {
    return LightGbmArtifactSchema.read(text).orElseThrow();
  }

  static FeatureDefinition feature(String name, FeatureType type) {
    return new FeatureDefinition(
        name,
        Optional.of(type),
        "",
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty());
  }

  static List<FeatureDefinition> schema(String visitorName, FeatureType weekend) {
    return List.of(
        feature("Administrative", FeatureType.NUMERIC),
        feature("Month", FeatureType.CATEGORICAL),
        feature(visitorName, FeatureType.CATEGORICAL),
        feature("Weekend", weekend));
  }

  @Test
  void readsTheNamesInfosAndCategoricalColumnsOfAModelText() throws IOException {
    LightGbmArtifactSchema s = read(MODEL);

    assertThat(s.names()).containsExactly("Administrative", "Month", "Visitor_Type", "Weekend");
    assertThat(s.categorical()).containsExactlyInAnyOrder(1, 2);
    assertThat(s.isCategorical(0)).isFalse();
    assertThat(s.isCategorical(1)).isTrue();
  }

  @Test
  void bytesThatAreNoLightGbmModelOrLackFeatureNamesReadAsNone() throws IOException {
    assertThat(
            LightGbmArtifactSchema.read(
                new String(new byte[] {(byte) 0xff, 0, 12, '\n', 'x'}, StandardCharsets.UTF_8)))
        .isEmpty();
    assertThat(LightGbmArtifactSchema.read("tree\nversion=v4\n\nTree=0\nfeature_names=a b\n"))
        .isEmpty();
  }

  @Test
  void aSchemaOfTheModelsFeaturesInOrderHasNoProblemEvenWithNamesLightGbmSanitised()
      throws IOException {
    // the table's column is "Visitor Type"; LightGBM was given "Visitor_Type"
    assertThat(read(MODEL).problems(schema("Visitor Type", FeatureType.BOOLEAN))).isEmpty();
  }

  @Test
  void aDifferentFeatureCountIsAProblemSayingBothCountsAndTheFirstDifference() throws IOException {
    List<FieldError> p =
        read(MODEL).problems(schema("Visitor_Type", FeatureType.BOOLEAN).subList(0, 3));

    assertThat(p).hasSize(1);
    assertThat(p.get(0).field()).isEqualTo("feature_schema.features");
    assertThat(p.get(0).description())
        .startsWith("3 features (Administrative, Month, Visitor_Type)")
        .contains("the artifact's feature_names has 4")
        .endsWith("the artifact goes on with 'Weekend' at position 3");
  }

  @Test
  void theFirstNameThatDiffersIsNamedWithItsPositionAndBothNames() throws IOException {
    List<FeatureDefinition> swapped =
        List.of(
            feature("Administrative", FeatureType.NUMERIC),
            feature("Visitor_Type", FeatureType.CATEGORICAL),
            feature("Month", FeatureType.CATEGORICAL),
            feature("Weekend", FeatureType.BOOLEAN));

    List<FieldError> p = read(MODEL).problems(swapped);

    assertThat(p)
        .containsExactly(
            new FieldError(
                "feature_schema.features[1].name",
                "expected 'Visitor_Type' at position 1 but the artifact's feature_names has"
                    + " 'Month' there (the first of the names that differ)"));
  }

  @Test
  void aCategoricalFeatureTheModelSplitsOnAsANumberIsAProblem() throws IOException {
    String model =
        lightGbmText(
            List.of("Administrative", "Month", "Visitor_Type", "Weekend"),
            List.of("[0:27]", "[1:12]", "1:3", "[0:1]"),
            "2");

    List<FieldError> p = read(model).problems(schema("Visitor_Type", FeatureType.BOOLEAN));

    assertThat(p)
        .containsExactly(
            new FieldError(
                "feature_schema.features[1].type",
                "CATEGORICAL but the artifact's feature 1 'Month' is numerical (feature_infos"
                    + " [1:12], not in categorical_feature)"));
  }

  @Test
  void aFeatureTheModelTreatsAsCategoricalButTheSchemaDoesNotIsAProblem() throws IOException {
    // Weekend is categorical in the model (declared, codes in feature_infos); the schema says
    // BOOLEAN
    String model =
        lightGbmText(
            List.of("Administrative", "Month", "Visitor_Type", "Weekend"),
            List.of("[0:27]", "1:2:3:4", "1:3", "0:1"),
            "1,2,3");

    List<FieldError> p = read(model).problems(schema("Visitor_Type", FeatureType.BOOLEAN));

    assertThat(p)
        .containsExactly(
            new FieldError(
                "feature_schema.features[3].type",
                "BOOLEAN but the artifact's feature 3 'Weekend' is categorical (it would read the"
                    + " value as a category code); declare it CATEGORICAL with its levels"));
  }

  @Test
  void aCategoricalFeatureNoTreeUsesIsNoProblem() throws IOException {
    String model =
        lightGbmText(
            List.of("Administrative", "Month", "Visitor_Type", "Weekend"),
            List.of("[0:27]", "none", "none", "[0:1]"),
            "");

    assertThat(read(model).problems(schema("Visitor_Type", FeatureType.BOOLEAN))).isEmpty();
  }
}
