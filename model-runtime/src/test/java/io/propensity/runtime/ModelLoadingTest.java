package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.runtime.LightGbmModel.LoadOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelLoadingTest {

  private static String modelText;

  @BeforeAll
  static void train() {
    modelText = TrainedModels.smallBinary();
  }

  @Test
  void emptyTextIsRefused() {
    assertThatThrownBy(() -> LightGbmModel.fromModelText(""))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> LightGbmModel.fromModelText(null))
        .isInstanceOf(ModelLoadException.class);
  }

  @Test
  void garbageIsRefused() {
    assertThatThrownBy(() -> LightGbmModel.fromModelText("{\"model\": \"not lightgbm\"}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("not a LightGBM text model");
  }

  @Test
  void truncatedModelIsRefusedAtEveryCutPoint() {
    int end = modelText.indexOf("end of trees");
    for (int cut : new int[] {5, 40, modelText.length() / 3, modelText.length() / 2, end - 1}) {
      String truncated = modelText.substring(0, cut);
      assertThatThrownBy(() -> LightGbmModel.fromModelText(truncated))
          .as("cut at %d of %d", cut, modelText.length())
          .isInstanceOf(ModelLoadException.class);
    }
  }

  @Test
  void truncatedModelMessageSaysWhatIsMissing() {
    String truncated = modelText.substring(0, modelText.length() / 2);
    assertThatThrownBy(() -> LightGbmModel.fromModelText(truncated))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("truncated")
        .hasMessageContaining("end of trees");
  }

  @Test
  void droppedTreeIsRefused() {
    int second = modelText.indexOf("Tree=1\n");
    int third = modelText.indexOf("Tree=2\n");
    String missingOneTree = modelText.substring(0, second) + modelText.substring(third);
    assertThatThrownBy(() -> LightGbmModel.fromModelText(missingOneTree))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("30 trees")
        .hasMessageContaining("29 were found");
  }

  @Test
  void unparsableLeafValueIsRefusedWithoutCrashingTheJvm() {
    // Fed as is to LightGBM 4.3, this aborts the process from inside its parallel tree parser.
    String corrupted = modelText.replaceFirst("leaf_value=[^\\n]*", "leaf_value=oops");
    assertThatThrownBy(() -> LightGbmModel.fromModelText(corrupted))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tree 0")
        .hasMessageContaining("leaf_value has 1 values, expected 8");
  }

  @Test
  void fieldsOnlyLightGbmReadsAreCheckedToo() {
    // leaf_weight is not needed to score, but LightGBM refuses a wrong-size one: so does the check.
    String corrupted = modelText.replaceFirst("leaf_weight=[^\\n]*", "leaf_weight=1 2");
    assertThatThrownBy(() -> LightGbmModel.fromModelText(corrupted))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("corrupt LightGBM model: tree 0: leaf_weight has 2 values, expected 8");
  }

  @Test
  void splitOnAFeatureTheModelDoesNotHaveIsRefused() {
    String corrupted = modelText.replaceFirst("split_feature=\\d+", "split_feature=9");
    assertThatThrownBy(() -> LightGbmModel.fromModelText(corrupted))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "corrupt LightGBM model: tree 0: split_feature: node 0 splits on feature 9 of 5");
  }

  @Test
  void childIndexOutOfRangeIsRefused() {
    String corrupted = modelText.replaceFirst("left_child=\\d+", "left_child=42");
    assertThatThrownBy(() -> LightGbmModel.fromModelText(corrupted))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("corrupt LightGBM model: tree 0: node 0 has left_child 42");
  }

  @Test
  void cyclicTreeIsRefusedRatherThanLoopingForeverAtPredictionTime() {
    String corrupted = modelText.replaceFirst("left_child=\\d+", "left_child=0");
    assertThatThrownBy(() -> LightGbmModel.fromModelText(corrupted))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("not a tree");
  }

  @Test
  void multiclassModelIsRefused() {
    String multiclass = TrainedModels.multiclass();
    assertThatThrownBy(() -> LightGbmModel.fromModelText(multiclass))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("multiclass")
        .hasMessageContaining("binary classifiers only");
  }

  @Test
  void regressionModelIsRefused() {
    String regression = TrainedModels.regression();
    assertThatThrownBy(() -> LightGbmModel.fromModelText(regression))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("regression");
  }

  @Test
  void nonDefaultSigmoidIsRefusedBecauseProbabilityWouldNotBeSigmoidOfRaw() {
    String scaled = modelText.replace("objective=binary sigmoid:1", "objective=binary sigmoid:2");
    assertThat(scaled).isNotEqualTo(modelText);
    assertThatThrownBy(() -> LightGbmModel.fromModelText(scaled))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("sigmoid:2");
  }

  @Test
  void zeroScorersIsAnArgumentError() {
    assertThatThrownBy(() -> LoadOptions.defaults().withMaxConcurrentScorers(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validModelStillLoadsAfterRefusals() throws ModelLoadException {
    try (LightGbmModel model = LightGbmModel.fromModelText(modelText)) {
      assertThat(model.numTrees()).isEqualTo(30);
    }
  }
}
