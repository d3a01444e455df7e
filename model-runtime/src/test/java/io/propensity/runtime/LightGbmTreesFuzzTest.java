package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the model text parser: any text is either refused with a {@link
 * ModelLoadException} or accepted by both {@link LightGbmModelText#check} and {@link
 * LightGbmTrees}, and then scores every probe row deterministically, with a probability in [0, 1]
 * and TreeSHAP values that sum to the raw score. {@link LightGbmModelTextFuzzTest} compares
 * structure-aware mutants with LightGBM itself; this one lets Jazzer find the inputs that reach new
 * parser branches. A normal build replays the committed corpus ({@code
 * LightGbmTreesFuzzTestInputs/}); {@code .ci/fuzz.sh} fuzzes.
 */
class LightGbmTreesFuzzTest {

  private static final double SHAP_TOLERANCE = 1e-9;

  @FuzzTest(maxDuration = "10m")
  void anyModelTextIsRefusedOrScoredConsistently(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    LightGbmTrees trees;
    try {
      trees = LightGbmTrees.fromModelText(text);
    } catch (ModelLoadException refused) {
      return;
    }
    try {
      LightGbmModelText.check(text);
    } catch (ModelLoadException e) {
      throw new AssertionError("LightGbmTrees accepted a text the check refuses: " + e, e);
    }
    int features = trees.featureCount();
    for (double[] row : probeRows(features)) {
      double raw = trees.predictRaw(row);
      assertThat(Double.compare(trees.predictRaw(row), raw)).as("same row, same score").isZero();
      double p = trees.predictProbability(row);
      assertThat(Double.isNaN(p) || (p >= 0 && p <= 1)).as("probability %s", p).isTrue();
      if (Double.isFinite(raw)) {
        double[] values = new double[trees.contributionCount()];
        double returned = trees.contributions(row, values);
        double sum = 0;
        double magnitude = 1; // huge leaf values cancel: the rounding scales with them
        for (double v : values) {
          sum += v;
          magnitude += Math.abs(v);
        }
        assertThat(Double.compare(returned, raw))
            .as("contributions() returns the raw score")
            .isZero();
        assertThat(Math.abs(sum - raw))
            .as("SHAP values sum to the raw score %s", raw)
            .isLessThanOrEqualTo(SHAP_TOLERANCE * magnitude);
      }
    }
  }

  /** Rows that take every kind of branch: zeros, NaN (missing), both signs, a spread of values. */
  private static double[][] probeRows(int features) {
    double[][] rows = new double[5][features];
    for (int f = 0; f < features; f++) {
      rows[1][f] = Double.NaN;
      rows[2][f] = 1e6;
      rows[3][f] = -1e6;
      rows[4][f] = (f % 7) - 2.5;
    }
    return rows;
  }
}
