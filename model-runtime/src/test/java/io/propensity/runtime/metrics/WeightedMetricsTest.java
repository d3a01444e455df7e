package io.propensity.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedMetricsTest {
  private static final double EPS = 1e-12;

  /** ROC-AUC by definition: every weighted positive/negative pair, a tie counting ½. O(n²). */
  private static double naiveAuc(double[] p, boolean[] y, double[] w) {
    double concordant = 0;
    double pairs = 0;
    for (int i = 0; i < p.length; i++) {
      if (!y[i]) {
        continue;
      }
      for (int j = 0; j < p.length; j++) {
        if (y[j]) {
          continue;
        }
        double pair = w[i] * w[j];
        pairs += pair;
        concordant += p[i] > p[j] ? pair : p[i] == p[j] ? pair / 2 : 0;
      }
    }
    return pairs == 0 ? Double.NaN : concordant / pairs;
  }

  private static double[] compute(double[] p, boolean[] y, boolean[] decisions, double[] w) {
    double[] out = new double[IntervalMetric.values().length];
    WeightedMetrics.of(new Scorer("s", p, decisions), y).compute(w, out);
    return out;
  }

  @Test
  void weightedAucMatchesThePairwiseDefinitionOnRandomTiedWeightedRows() {
    Random random = new Random(20240611);
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + random.nextInt(60);
      int levels = 1 + random.nextInt(8); // few distinct scores: many ties
      double[] p = new double[n];
      boolean[] y = new boolean[n];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        p[i] = random.nextInt(levels + 1) / (double) levels;
        y[i] = random.nextDouble() < 0.2 + 0.6 * p[i];
        w[i] = random.nextDouble() < 0.2 ? 0 : random.nextInt(4) + random.nextDouble();
      }
      double expected = naiveAuc(p, y, w);
      double actual = compute(p, y, new boolean[n], w)[IntervalMetric.ROC_AUC.ordinal()];
      if (Double.isNaN(expected)) {
        assertThat(actual).as("trial %d", trial).isNaN();
      } else {
        assertThat(actual).as("trial %d", trial).isCloseTo(expected, within(1e-9));
      }
    }
  }

  @Test
  void integerWeightsGiveTheMetricsOfTheRowsRepeatedThatManyTimes() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + random.nextInt(40);
      double[] p = new double[n];
      boolean[] y = new boolean[n];
      double[] w = new double[n];
      int total = 0;
      for (int i = 0; i < n; i++) {
        p[i] = random.nextInt(6) / 5.0;
        y[i] = random.nextBoolean();
        w[i] = random.nextInt(4);
        total += (int) w[i];
      }
      if (total == 0) {
        continue;
      }
      double[] repeatedP = new double[total];
      boolean[] repeatedY = new boolean[total];
      int k = 0;
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < w[i]; c++) {
          repeatedP[k] = p[i];
          repeatedY[k++] = y[i];
        }
      }
      double threshold = 0.5;
      boolean[] decisions = new boolean[n];
      for (int i = 0; i < n; i++) {
        decisions[i] = p[i] >= threshold;
      }
      BinaryEvaluation e = Evaluator.evaluate(repeatedP, repeatedY, threshold);
      double[] m = compute(p, y, decisions, w);
      assertMetric(m, IntervalMetric.ROC_AUC, e.rocAuc(), trial);
      assertMetric(m, IntervalMetric.PR_AUC, e.prAuc(), trial);
      assertMetric(m, IntervalMetric.F1, e.f1(), trial);
      assertMetric(m, IntervalMetric.LOG_LOSS, e.logLoss(), trial);
      assertMetric(m, IntervalMetric.BRIER, e.brierScore(), trial);
    }
  }

  private static void assertMetric(double[] m, IntervalMetric metric, double expected, int trial) {
    double actual = m[metric.ordinal()];
    if (Double.isNaN(expected)) {
      assertThat(actual).as("%s, trial %d", metric, trial).isNaN();
    } else {
      assertThat(actual).as("%s, trial %d", metric, trial).isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void unitWeightsAgreeWithTheEvaluatorOnRowsWithTies() {
    Random random = new Random(3);
    int n = 5000;
    double[] p = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      p[i] = Math.round(random.nextDouble() * 50) / 50.0;
      y[i] = random.nextDouble() < p[i] * 0.6;
    }
    double threshold = 0.42;
    BinaryEvaluation e = Evaluator.evaluate(p, y, threshold);
    var m = WeightedMetrics.of(Scorer.atThreshold("s", p, threshold), y).unweighted();
    assertThat(m.get(IntervalMetric.ROC_AUC)).isCloseTo(e.rocAuc(), within(EPS));
    assertThat(m.get(IntervalMetric.PR_AUC)).isCloseTo(e.prAuc(), within(EPS));
    assertThat(m.get(IntervalMetric.F1)).isCloseTo(e.f1(), within(EPS));
    assertThat(m.get(IntervalMetric.LOG_LOSS)).isCloseTo(e.logLoss(), within(EPS));
    assertThat(m.get(IntervalMetric.BRIER)).isCloseTo(e.brierScore(), within(EPS));
  }

  @Test
  void aTiedPositiveNegativePairCountsHalf() {
    double[] p = {0.8, 0.5, 0.5, 0.2};
    boolean[] y = {true, true, false, false};
    double[] w = {1, 1, 1, 1};
    assertThat(compute(p, y, new boolean[4], w)[IntervalMetric.ROC_AUC.ordinal()])
        .isEqualTo(3.5 / 4);
  }

  @Test
  void undefinedMetricsAreNaNAndF1WithNothingFlaggedOrPositiveIsZero() {
    double[] p = {0.3, 0.6};
    boolean[] y = {false, false};
    double[] m = compute(p, y, new boolean[2], new double[] {1, 1});
    assertThat(m[IntervalMetric.ROC_AUC.ordinal()]).isNaN();
    assertThat(m[IntervalMetric.PR_AUC.ordinal()]).isNaN();
    assertThat(m[IntervalMetric.F1.ordinal()]).isZero();
    double[] none = compute(p, y, new boolean[2], new double[] {0, 0});
    assertThat(Arrays.stream(none).allMatch(Double::isNaN)).isTrue();
  }
}
