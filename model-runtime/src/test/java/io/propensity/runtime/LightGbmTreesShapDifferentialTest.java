package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java TreeSHAP against LightGBM's own {@code pred_contrib}: models trained like {@link
 * LightGbmTreesDifferentialTest}'s (numerical and categorical features, NaN, zero-as-missing,
 * extreme values) and models written by {@link SyntheticModels} (chains 30 and 62 deep, one or two
 * features repeated along every path, single-leaf trees, multi-word bitsets). Every value within
 * 1e-9 of LightGBM's, the values summing to the raw score, and the top-k equal to the top k of the
 * full vector. Each failure prints the seed that reproduces it; {@code -Dshap.seed}, {@code
 * -Dshap.models} and {@code -Dshap.synthetic} override the run.
 */
class LightGbmTreesShapDifferentialTest {

  private static final long BASE_SEED = Long.getLong("shap.seed", 20261208L);
  private static final int TRAINED = Integer.getInteger("shap.models", 40);
  private static final int SYNTHETIC = Integer.getInteger("shap.synthetic", 150);
  private static final double TOLERANCE = 1e-9;

  @BeforeAll
  static void loadLightGbm() throws IOException {
    LGBMBooster.loadNative(); // before PredictionType's static initializer needs the natives
  }

  @Test
  void javaShapEqualsLightGbmPredContribOnTrainedModels() throws Exception {
    Stats stats = new Stats();
    for (int m = 0; m < TRAINED; m++) {
      long seed = BASE_SEED + m;
      Random random = new Random(seed);
      LightGbmTreesDifferentialTest.Task task = LightGbmTreesDifferentialTest.task(random);
      String text = LightGbmTreesDifferentialTest.train(task);
      LightGbmTrees trees = LightGbmTrees.fromModelText(text);
      double[][] rows = LightGbmTreesDifferentialTest.probeRows(random, task, trees);
      compare(
          "trained, seed " + seed + " params '" + task.params() + "'",
          text,
          trees,
          rows,
          random,
          stats);
    }
    stats.print("trained", TRAINED);
  }

  @Test
  void javaShapEqualsLightGbmPredContribOnDeepChainAndRepeatedFeatureTrees() throws Exception {
    Stats stats = new Stats();
    for (int m = 0; m < SYNTHETIC; m++) {
      long seed = BASE_SEED + 1_000_000 + m;
      Random random = new Random(seed);
      SyntheticModels.Model model = SyntheticModels.model(random);
      double[][] rows = SyntheticModels.rows(random, model, 200);
      LightGbmTrees trees = LightGbmTrees.fromModelText(model.text());
      compare("synthetic, seed " + seed, model.text(), trees, rows, random, stats);
    }
    stats.print("synthetic", SYNTHETIC);
    assertThat(stats.maxDepth).as("deepest tree").isGreaterThanOrEqualTo(30);
  }

  @Test
  void classicFallbackForTreesOverTheScratchCapEqualsLightGbmToo() throws Exception {
    Stats stats = new Stats();
    int models = Math.max(1, SYNTHETIC / 3);
    for (int m = 0; m < models; m++) {
      long seed = BASE_SEED + 2_000_000 + m;
      Random random = new Random(seed);
      SyntheticModels.Model model = SyntheticModels.model(random);
      double[][] rows = SyntheticModels.rows(random, model, 100);
      LightGbmTrees trees = LightGbmTrees.fromModelText(model.text(), 0, 0);
      if (trees.maxDepth() > 0) {
        assertThat(trees.explainsClassically()).as("seed %d: classic fallback", seed).isTrue();
      }
      compare("synthetic, classic, seed " + seed, model.text(), trees, rows, random, stats);
    }
    stats.print("synthetic, classic fallback", models);
  }

  @Test
  void factorsComputedPerRowOverTheBudgetEqualLightGbmToo() throws Exception {
    Stats stats = new Stats();
    int models = Math.max(1, SYNTHETIC / 3);
    for (int m = 0; m < models; m++) {
      long seed = BASE_SEED + 3_000_000 + m;
      Random random = new Random(seed);
      SyntheticModels.Model model = SyntheticModels.model(random);
      double[][] rows = SyntheticModels.rows(random, model, 100);
      LightGbmTrees trees = LightGbmTrees.fromModelText(model.text(), TreeShap.SCRATCH_CAP, 0);
      assertThat(trees.explainsClassically()).isFalse();
      compare("synthetic, per-row factors, seed " + seed, model.text(), trees, rows, random, stats);
    }
    stats.print("synthetic, per-row factors", models);
  }

  private static void compare(
      String what, String text, LightGbmTrees trees, double[][] rows, Random random, Stats stats) {
    int width = trees.contributionCount();
    assertThat(width).isEqualTo(trees.featureCount() + 1);
    double[] expected =
        TrainedModels.referencePredictions(text, rows, PredictionType.C_API_PREDICT_CONTRIB);
    double[] out = new double[width];
    int[] topFeatures = new int[width];
    double[] topValues = new double[width];
    stats.maxDepth = Math.max(stats.maxDepth, trees.maxDepth());
    for (int r = 0; r < rows.length; r++) {
      double raw = trees.contributions(rows[r], out);
      String where = what + ", row " + r + " " + Arrays.toString(rows[r]);
      for (int f = 0; f < width; f++) {
        double delta = Math.abs(out[f] - expected[r * width + f]);
        assertThat(delta)
            .as(
                "%s: value %d: java %s, LightGBM %s (all: java %s, LightGBM %s)",
                where,
                f,
                out[f],
                expected[r * width + f],
                Arrays.toString(out),
                Arrays.toString(Arrays.copyOfRange(expected, r * width, (r + 1) * width)))
            .isLessThanOrEqualTo(TOLERANCE);
        stats.maxDelta = Math.max(stats.maxDelta, delta);
      }
      assertThat(raw).as("%s: returned raw score", where).isEqualTo(trees.predictRaw(rows[r]));
      assertThat(out[width - 1]).as("%s: bias", where).isEqualTo(trees.expectedValue());
      double sum = Arrays.stream(out).sum();
      assertThat(Math.abs(sum - raw))
          .as("%s: contributions sum %s, raw %s", where, sum, raw)
          .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(raw)));

      int k = 1 + random.nextInt(width);
      int n = trees.topContributions(rows[r], k, topFeatures, topValues);
      int[] reference = topK(out, trees.featureCount(), k);
      assertThat(Arrays.copyOf(topFeatures, n))
          .as("%s: top %d", where, k)
          .containsExactly(reference);
      for (int i = 0; i < n; i++) {
        assertThat(topValues[i]).isEqualTo(out[topFeatures[i]]);
      }
      stats.rows++;
    }
  }

  /** The reference: sort every non-zero feature by decreasing |value|, then index. */
  private static int[] topK(double[] phi, int features, int k) {
    return IntStream.range(0, features)
        .filter(f -> phi[f] != 0.0)
        .boxed()
        .sorted(
            Comparator.comparingDouble((Integer f) -> -Math.abs(phi[f])).thenComparingInt(f -> f))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  private static final class Stats {
    final long started = System.nanoTime();
    long rows;
    double maxDelta;
    int maxDepth;

    void print(String kind, int models) {
      System.out.printf(
          "LightGbmTrees SHAP differential (%s): %d models, %d rows, max |delta| %s, deepest tree"
              + " %d, %.1f s, base seed %d%n",
          kind, models, rows, maxDelta, maxDepth, (System.nanoTime() - started) / 1e9, BASE_SEED);
    }
  }
}
