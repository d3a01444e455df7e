package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** TreeSHAP of LightGbmTrees on hand-computed trees, its arguments, threads and allocations. */
class LightGbmTreesShapTest {

  /**
   * Two stumps with the same leaves and counts on features 0 and 1 (feature 2 unused): left leaf
   * 1.0 with 1 row, right leaf −1.0 with 3 rows; each tree's expected value is −0.5.
   */
  private static final String STUMPS =
      model(
          3,
          tree(2, "0", "0.5", "2", "-1", "-2", "1 -1", "1 3", "4"),
          tree(2, "1", "0.5", "2", "-1", "-2", "1 -1", "1 3", "4"));

  /**
   * Node 0 splits feature 0 (left: node 1 with 2 rows, right: leaf 1 = 0 with 2 rows); node 1
   * splits feature 1 (leaf 0 = 4 with 1 row, leaf 2 = 0 with 1 row). Expected value 1.
   */
  private static final String INTERACTION =
      model(2, tree(3, "0 1", "0.5 0.5", "2 2", "1 -1", "-2 -3", "4 0 0", "1 2 1", "4 2"));

  @Test
  void stumpsGiveEachFeatureItsLeafMinusTheExpectedValue() throws ModelLoadException {
    LightGbmTrees trees = LightGbmTrees.fromModelText(STUMPS);
    double[] out = new double[trees.contributionCount()];

    assertThat(trees.contributionCount()).isEqualTo(4);
    assertThat(trees.expectedValue()).isCloseTo(-1.0, within(1e-15));
    assertThat(trees.contributions(new double[] {0, 0, 0}, out)).isEqualTo(2.0);
    assertThat(out).containsExactly(new double[] {1.5, 1.5, 0, -1.0}, within(1e-15));
    assertThat(trees.contributions(new double[] {1, 0, 7}, out)).isEqualTo(0.0);
    assertThat(out).containsExactly(new double[] {-0.5, 1.5, 0, -1.0}, within(1e-15));
  }

  @Test
  void anInteractionIsSharedAsTheShapleyValueSays() throws ModelLoadException {
    LightGbmTrees trees = LightGbmTrees.fromModelText(INTERACTION);
    double[] out = new double[3];

    // v(∅) = 1, v({0}) = 2, v({1}) = 2, v({0,1}) = 4: φ0 = φ1 = ½(1 + 2)
    assertThat(trees.contributions(new double[] {0, 0}, out)).isEqualTo(4.0);
    assertThat(out).containsExactly(new double[] {1.5, 1.5, 1.0}, within(1e-14));
    // x1 goes right: v({0}) = 2, v({1}) = 0, v({0,1}) = 0: φ0 = ½(1 + 0), φ1 = ½(−1 − 2)
    assertThat(trees.contributions(new double[] {0, 1}, out)).isEqualTo(0.0);
    assertThat(out).containsExactly(new double[] {0.5, -1.5, 1.0}, within(1e-14));
  }

  @Test
  void topContributionsRankByMagnitudeBreakTiesByIndexAndSkipZeros() throws ModelLoadException {
    LightGbmTrees trees = LightGbmTrees.fromModelText(STUMPS);
    int[] features = new int[3];
    double[] values = new double[3];

    assertThat(trees.topContributions(new double[] {0, 0, 0}, 3, features, values)).isEqualTo(2);
    assertThat(features).startsWith(0, 1);
    assertThat(values).startsWith(1.5, 1.5);
    assertThat(trees.topContributions(new double[] {0, 0, 0}, 1, features, values)).isEqualTo(1);
    assertThat(features[0]).isZero();
    assertThat(trees.topContributions(new double[] {1, 0, 0}, 5, features, values)).isEqualTo(2);
    assertThat(features).startsWith(1, 0);
    assertThat(values).startsWith(1.5, -0.5);
    assertThat(trees.topContributions(new double[] {1, 0, 0}, 0, new int[0], new double[0]))
        .isZero();
  }

  @Test
  void shortRowsOutputsAndNegativeKAreArgumentErrors() throws ModelLoadException {
    LightGbmTrees trees = LightGbmTrees.fromModelText(STUMPS);

    assertThatThrownBy(() -> trees.contributions(new double[2], new double[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row has 2 values, the model needs 3");
    assertThatThrownBy(() -> trees.contributions(new double[3], new double[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("out has 3 slots, contributions need 4");
    assertThatThrownBy(() -> trees.topContributions(new double[3], -1, new int[1], new double[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k is -1, expected ≥ 0");
    assertThatThrownBy(() -> trees.topContributions(new double[3], 5, new int[2], new double[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("features/values hold 2 entries, 3 are needed");
  }

  @Test
  void aChainAsDeepAsAllowedIsExplainedAndADeeperOneIsRefused() throws ModelLoadException {
    LightGbmTrees deep = LightGbmTrees.fromModelText(chain(TreeShap.MAX_DEPTH));
    double[] out = new double[deep.contributionCount()];
    for (double x : new double[] {-1, 0.5, 10.5, 500.5, 999.5, 2000}) {
      double[] row = {x, x / 2};
      double raw = deep.contributions(row, out);
      assertThat(raw).isEqualTo(deep.predictRaw(row));
      assertThat(Arrays.stream(out).sum()).isCloseTo(raw, within(1e-9));
    }

    String deeper = chain(TreeShap.MAX_DEPTH + 1);
    assertThatThrownBy(() -> LightGbmTrees.fromModelText(deeper))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tree 0 is 1001 levels deep")
        .hasMessageContaining("up to 1000 levels");
  }

  @Test
  void explainingAllocatesNothingPerRow() throws ModelLoadException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Random random = new Random(5);
    SyntheticModels.Model synthetic = SyntheticModels.model(random);
    List<LightGbmTrees> models =
        List.of(
            LightGbmTrees.fromModelText(TrainedModels.smallBinary()),
            LightGbmTrees.fromModelText(synthetic.text()),
            LightGbmTrees.fromModelText(synthetic.text(), 0, 0), // classic fallback
            LightGbmTrees.fromModelText(synthetic.text(), TreeShap.SCRATCH_CAP, 0),
            LightGbmTrees.fromModelText(chain(200)));
    for (LightGbmTrees trees : models) {
      double[][] rows = new double[512][trees.featureCount()];
      for (double[] row : rows) {
        for (int f = 0; f < row.length; f++) {
          row[f] = random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian() * 3;
        }
      }
      double[] out = new double[trees.contributionCount()];
      int[] features = new int[5];
      double[] values = new double[5];
      double sink = 0;
      for (int round = 0; round < 2; round++) { // the first round warms up (JIT, scratch)
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int repeat = 0; repeat < 20; repeat++) {
          for (double[] row : rows) {
            sink += trees.predictRaw(row);
            sink += trees.contributions(row, out);
            sink += trees.topContributions(row, 5, features, values);
          }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        if (round == 1) {
          assertThat(allocated)
              .as("bytes allocated over %d rows (sink %s)", 20 * rows.length, sink)
              .isLessThanOrEqualTo(1024);
        }
      }
    }
  }

  @Test
  void fourThreadsExplainExactlyLikeOneThread() throws Exception {
    Random random = new Random(9);
    SyntheticModels.Model model = SyntheticModels.model(random);
    LightGbmTrees trees = LightGbmTrees.fromModelText(model.text());
    double[][] rows = SyntheticModels.rows(random, model, 400);
    double[][] expected = new double[rows.length][trees.contributionCount()];
    for (int r = 0; r < rows.length; r++) {
      trees.contributions(rows[r], expected[r]);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<double[][]>> results = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        results.add(
            pool.submit(
                () -> {
                  double[][] actual = new double[rows.length][trees.contributionCount()];
                  for (int repeat = 0; repeat < 20; repeat++) {
                    for (int r = 0; r < rows.length; r++) {
                      trees.contributions(rows[r], actual[r]);
                    }
                  }
                  return actual;
                }));
      }
      for (Future<double[][]> result : results) {
        assertThat(result.get()).isDeepEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A chain: node i splits feature i % 2 at i and sends the left to leaf i, one row each. */
  private static String chain(int depth) {
    StringBuilder feature = new StringBuilder();
    StringBuilder threshold = new StringBuilder();
    StringBuilder type = new StringBuilder();
    StringBuilder left = new StringBuilder();
    StringBuilder right = new StringBuilder();
    StringBuilder values = new StringBuilder();
    StringBuilder leafCounts = new StringBuilder();
    StringBuilder nodeCounts = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      String gap = i == 0 ? "" : " ";
      feature.append(gap).append(i % 2);
      threshold.append(gap).append(i);
      type.append(gap).append(2);
      left.append(gap).append(~i);
      right.append(gap).append(i == depth - 1 ? ~depth : i + 1);
      values.append(gap).append((i % 7 - 3) / 10.0);
      leafCounts.append(gap).append(1);
      nodeCounts.append(gap).append(depth + 1 - i);
    }
    values.append(" 0.5");
    leafCounts.append(" 1");
    return model(
        2,
        tree(
            depth + 1,
            feature.toString(),
            threshold.toString(),
            type.toString(),
            left.toString(),
            right.toString(),
            values.toString(),
            leafCounts.toString(),
            nodeCounts.toString()));
  }

  private static String tree(
      int leaves,
      String feature,
      String threshold,
      String decisionType,
      String left,
      String right,
      String values,
      String leafCount,
      String internalCount) {
    return "num_leaves="
        + leaves
        + "\nnum_cat=0\nsplit_feature="
        + feature
        + "\nthreshold="
        + threshold
        + "\ndecision_type="
        + decisionType
        + "\nleft_child="
        + left
        + "\nright_child="
        + right
        + "\nleaf_value="
        + values
        + "\nleaf_count="
        + leafCount
        + "\ninternal_count="
        + internalCount
        + "\nis_linear=0\nshrinkage=1\n\n";
  }

  private static String model(int features, String... trees) {
    StringBuilder text =
        new StringBuilder("tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\n")
            .append("label_index=0\nmax_feature_idx=")
            .append(features - 1)
            .append("\nobjective=binary sigmoid:1\n\n");
    for (int t = 0; t < trees.length; t++) {
      text.append("Tree=").append(t).append('\n').append(trees[t]);
    }
    return text.append("end of trees\n").toString();
  }
}
