package io.propensity.training.pipeline.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.training.pipeline.model.Hyperparameters;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

  private static void assertRange(SearchSpace s, String name, double low, double high) {
    SearchSpace.Dimension d = s.dimension(name);
    assertThat(d.low()).as(name + " low").isCloseTo(low, within(1e-9));
    assertThat(d.high()).as(name + " high").isCloseTo(high, within(1e-9));
  }

  @Test
  void fiveHundredRowsGetSmallTreesWithLeavesOfAtLeastFiveRows() {
    SearchSpace s = SearchSpace.forData(500, 25);

    assertRange(s, "min_data_in_leaf", 5, 50);
    assertRange(s, "num_leaves", 4, 50);
    assertRange(s, "max_depth", 2, 10);
    assertRange(s, "learning_rate", 0.02, 0.2);
    assertRange(s, "feature_fraction", 0.3, 1.0);
    assertRange(s, "lambda_l2", 1e-3, 100);
    assertRange(s, "lambda_l1", 1e-4, 10);
    assertRange(s, "min_sum_hessian_in_leaf", 1e-3, 1.25); // 25 positives / 20
  }

  @Test
  void fiveThousandRowsAllowLargerLeavesAndUpTo64OfThem() {
    SearchSpace s = SearchSpace.forData(5_000, 100);

    assertRange(s, "min_data_in_leaf", 5, 500);
    assertRange(s, "num_leaves", 4, 64);
    assertRange(s, "min_sum_hessian_in_leaf", 1e-3, 5);
  }

  @Test
  void halfAMillionRowsNeverTryLeavesOfFewerThanFiveHundredRows() {
    SearchSpace s = SearchSpace.forData(500_000, 100_000);

    assertRange(s, "min_data_in_leaf", 500, 50_000);
    assertRange(s, "num_leaves", 4, 64);
    assertRange(s, "min_sum_hessian_in_leaf", 1e-3, 10); // capped
  }

  @Test
  void everyPointOfTheSpaceIsAValidModelThatItsRowsCanGrow() {
    Random rnd = new Random(3);
    for (int n : new int[] {500, 5_000, 500_000}) {
      SearchSpace s = SearchSpace.forData(n, n / 20);
      for (int i = 0; i < 500; i++) {
        Hyperparameters hp = s.toHyperparameters(s.randomUnit(rnd), n);
        assertThat(hp.minDataInLeaf()).isBetween(Math.max(5, n / 1000), Math.max(20, n / 10));
        assertThat((long) hp.numLeaves())
            .isBetween(2L, 64L)
            .isLessThanOrEqualTo(Math.max(2, n / hp.minDataInLeaf()))
            .isLessThanOrEqualTo(1L << hp.maxDepth());
        assertThat(hp.maxDepth()).isBetween(2, 10);
        assertThat(hp.learningRate()).isBetween(0.02, 0.2);
      }
    }
    // the corners map exactly onto the ranges
    SearchSpace s = SearchSpace.forData(5_000, 100);
    double[] top = new double[s.size()];
    Arrays.fill(top, 1.0);
    Hyperparameters high = s.toHyperparameters(top);
    assertThat(high.minDataInLeaf()).isEqualTo(500);
    assertThat(high.lambdaL2()).isCloseTo(100, within(1e-9));
    assertThat(s.toHyperparameters(new double[s.size()]).numLeaves()).isEqualTo(4);
  }

  @Test
  void theUntunedDefaultIsConservativeAndScalesWithTheRows() {
    Hyperparameters small = Hyperparameters.forData(1_000, 50);
    Hyperparameters large = Hyperparameters.forData(60_000, 3_000);

    assertThat(small.minDataInLeaf()).isEqualTo(22); // √(5 · 100)
    assertThat(large.minDataInLeaf()).isEqualTo(600); // √(60 · 6000)
    assertThat(small.numLeaves()).isEqualTo(15);
    assertThat(Hyperparameters.forData(200, 20).numLeaves()).isEqualTo(10); // 200 / (2 · 10)
    assertThat(small.maxDepth()).isEqualTo(6);
    assertThat(small.learningRate()).isEqualTo(0.05);
    assertThat(small.minSumHessianInLeaf()).isCloseTo(0.25, within(1e-12));
    assertThat(small.asLightGbmParams())
        .containsEntry("max_depth", "6")
        .containsEntry("min_sum_hessian_in_leaf", "0.25")
        .containsEntry("bagging_freq", "1");
  }

  @Test
  void namedParametersReplaceTheirFieldsAndUnknownOnesAreRefused() {
    Hyperparameters hp =
        Hyperparameters.forData(1_000, 50)
            .with(java.util.Map.of("num_leaves", 7.0, "max_depth", 0.0, "lambda_l2", 3.5));

    assertThat(hp.numLeaves()).isEqualTo(7);
    assertThat(hp.maxDepth()).isEqualTo(Hyperparameters.UNLIMITED_DEPTH);
    assertThat(hp.lambdaL2()).isEqualTo(3.5);
    assertThat(hp.minDataInLeaf()).isEqualTo(22);
    assertThatThrownBy(() -> hp.with(java.util.Map.of("num_trees", 3.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("num_trees");
    assertThatThrownBy(() -> hp.with(java.util.Map.of("learning_rate", 2.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("learning_rate");
  }
}
