package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.ml.lightgbm.PredictionType;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LightGbmTreesTest {

  /**
   * One tree, written by hand: node 0 splits feature 1 on categories {0, 2, 63} (bitset words 5 and
   * 2^31), node 1 splits feature 0 at 0.5 with NaN as missing going left.
   */
  private static final String CATEGORICAL =
      """
      tree
      version=v4
      num_class=1
      num_tree_per_iteration=1
      label_index=0
      max_feature_idx=1
      objective=binary sigmoid:1
      feature_names=a b
      feature_infos=[-1:1] 0:1:2:63
      tree_sizes=1

      Tree=0
      num_leaves=3
      num_cat=1
      split_feature=1 0
      split_gain=1 1
      threshold=0 0.5
      decision_type=1 10
      left_child=1 -1
      right_child=-3 -2
      leaf_value=0.1 0.2 0.3
      leaf_weight=1 1 1
      leaf_count=1 1 1
      internal_value=0 0
      internal_weight=1 1
      internal_count=3 2
      cat_boundaries=0 2
      cat_threshold=5 2147483648
      is_linear=0
      shrinkage=1


      end of trees

      pandas_categorical:null
      """;

  @Test
  void categoricalSplitsFollowTheBitsetIncludingBit31AndSendNanAndNegativesRight()
      throws ModelLoadException {
    LightGbmTrees trees = LightGbmTrees.fromModelText(CATEGORICAL);
    double[][] rows = {
      {0.0, 0},
      {1.0, 0},
      {0.0, 1},
      {0.0, 2},
      {0.0, 63},
      {0.0, 64},
      {0.0, 31},
      {0.0, -0.5},
      {0.0, -1},
      {0.0, Double.NaN},
      {0.0, 2.9},
      {0.0, 1e30},
      {Double.NaN, 0},
      {0.5, 0}
    };
    double[] expected = {0.1, 0.2, 0.3, 0.1, 0.1, 0.3, 0.3, 0.1, 0.3, 0.3, 0.1, 0.3, 0.1, 0.1};
    for (int r = 0; r < rows.length; r++) {
      assertThat(trees.predictRaw(rows[r])).as("row %d", r).isEqualTo(expected[r]);
    }
    // LightGBM itself agrees with the hand-derived leaves.
    double[] reference =
        TrainedModels.referencePredictions(
            CATEGORICAL, rows, PredictionType.C_API_PREDICT_RAW_SCORE);
    assertThat(reference).containsExactly(expected);
  }

  @Test
  void scoresAndProbabilitiesEqualTheNativeModel() throws ModelLoadException {
    String text = TrainedModels.smallBinary();
    LightGbmTrees trees = LightGbmTrees.fromModelText(text);
    double[][] rows = TrainedModels.randomRows(200, 5, 11);
    try (LightGbmModel model = LightGbmModel.fromModelText(text)) {
      assertThat(trees.featureCount()).isEqualTo(model.featureCount());
      assertThat(trees.numTrees()).isEqualTo(model.numTrees());
      for (double[] row : rows) {
        assertThat(trees.predictRaw(row)).isEqualTo(model.predictRaw(row));
        assertThat(trees.predictProbability(row))
            .isCloseTo(model.predictProbability(row), Offset.offset(1e-15));
      }
    }
  }

  @Test
  void aShortRowIsAnArgumentError() throws ModelLoadException {
    LightGbmTrees trees = LightGbmTrees.fromModelText(CATEGORICAL);
    assertThatThrownBy(() -> trees.predictRaw(new double[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row has 1 values, the model needs 2");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "child index out of range | left_child=1 -1 | left_child=5 -1 | node 0 has left_child 5",
        "self loop | left_child=1 -1 | left_child=0 -1 | left_child/right_child",
        "leaf reached twice | right_child=-3 -2 | right_child=-1 -2 | left_child/right_child",
        "feature index out of range | split_feature=1 0 | split_feature=1 2 | split_feature: node 1",
        "truncated threshold | threshold=0 0.5 | threshold=0 | threshold has 1 values, expected 2",
        "non-numeric threshold | threshold=0 0.5 | threshold=0 abc | threshold is not a number",
        "truncated leaf values | leaf_value=0.1 0.2 0.3 | leaf_value=0.1 0.2 | leaf_value has 2",
        "bitset beyond cat_threshold | cat_boundaries=0 2 | cat_boundaries=0 3 | cat_threshold has 2",
        "decreasing cat_boundaries | cat_boundaries=0 2 | cat_boundaries=1 2 | cat_boundaries",
        "bitset word above uint32 | cat_threshold=5 2147483648 | cat_threshold=5 4294967296 |"
            + " cat_threshold is not a 32-bit unsigned integer",
        "negative bitset word | cat_threshold=5 2147483648 | cat_threshold=-5 1 | cat_threshold",
        "bitset index out of range | threshold=0 0.5 | threshold=1 0.5 | threshold: categorical",
        "fractional bitset index | threshold=0 0.5 | threshold=0.5 0.5 | threshold: categorical",
        "non-integer child | left_child=1 -1 | left_child=x -1 | left_child is not an integer",
        "linear tree | is_linear=0 | is_linear=1 | linear tree",
        "missing leaf counts | leaf_count=1 1 1 | leaf_cnt=1 1 1 | field 'leaf_count' is missing",
        "missing node counts | internal_count=3 2 | internal_cnt=3 2 | field 'internal_count'",
        "truncated leaf counts | leaf_count=1 1 1 | leaf_count=1 1 | leaf_count has 2 values",
        "negative leaf count | leaf_count=1 1 1 | leaf_count=1 -1 1 | leaf_count: leaf 1 has count -1",
        "zero leaf count | leaf_count=1 1 1 | leaf_count=1 0 1 | leaf_count: leaf 1 has count 0",
        "non-numeric count | internal_count=3 2 | internal_count=3 x | internal_count is not an integer",
        "count beyond int | internal_count=3 2 | internal_count=3 9999999999 | internal_count is not",
        "counts not adding up | internal_count=3 2 | internal_count=4 2 | internal_count: node 0 has"
            + " count 4 but its children have 3",
        "negative node count | internal_count=3 2 | internal_count=3 -2 | internal_count: node 0",
      })
  void malformedTreesAreRefusedNamingTreeAndField(
      String name, String original, String replacement, String message) {
    assertThat(CATEGORICAL).contains(original);
    String corrupted = CATEGORICAL.replace(original, replacement);
    assertThatThrownBy(() -> LightGbmTrees.fromModelText(corrupted))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tree 0")
        .hasMessageContaining(message);
  }

  @Test
  void multiclassModelsAreRefused() {
    String multiclass = TrainedModels.multiclass();
    assertThatThrownBy(() -> LightGbmTrees.fromModelText(multiclass))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("binary classifiers only");
  }

  @Test
  void averagedRandomForestOutputIsRefusedRatherThanSummed() {
    String forest = CATEGORICAL.replace("tree_sizes=1", "tree_sizes=1\naverage_output");
    assertThatThrownBy(() -> LightGbmTrees.fromModelText(forest))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("average_output");
  }

  @Test
  void truncatedTextIsRefused() {
    String truncated = CATEGORICAL.substring(0, CATEGORICAL.indexOf("leaf_value"));
    assertThatThrownBy(() -> LightGbmTrees.fromModelText(truncated))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("truncated");
  }
}
