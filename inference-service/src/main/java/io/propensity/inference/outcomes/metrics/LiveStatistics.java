package io.propensity.inference.outcomes.metrics;

import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.outcomes.metrics.LiveMetric.Interval;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.ConfusionMatrix;
import io.propensity.runtime.metrics.Evaluator;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Live metrics of one group of labelled predictions: point estimates from model-runtime's {@link
 * Evaluator} (the offline evaluation's own code), with 95% intervals: Wilson for rates, DeLong for
 * the ROC-AUC, a logit interval for the PR-AUC (Boyd, Eng and Page 2013).
 */
public final class LiveStatistics {
  static final double Z = 1.959963984540054;

  private LiveStatistics() {}

  /** The metrics of a non-empty group. */
  public static LiveMetric of(
      long version, String alias, Optional<LocalDate> day, List<LabeledPrediction> group) {
    if (group.isEmpty()) {
      throw new IllegalArgumentException("no labelled predictions");
    }
    int n = group.size();
    double[] p = new double[n];
    boolean[] y = new boolean[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = group.get(i).served().probability();
      y[i] = group.get(i).positive();
      sum += p[i];
    }
    double threshold = group.get(0).served().threshold();
    BinaryEvaluation e = Evaluator.evaluate(p, y, threshold);
    ConfusionMatrix cm = e.confusion();
    long tp = cm.truePositives();
    OptionalDouble auc =
        Double.isNaN(e.rocAuc()) ? OptionalDouble.empty() : OptionalDouble.of(e.rocAuc());
    OptionalDouble ap =
        Double.isNaN(e.prAuc()) ? OptionalDouble.empty() : OptionalDouble.of(e.prAuc());
    return new LiveMetric(
        version,
        alias,
        day,
        n,
        e.positives(),
        threshold,
        e.precision(),
        wilson(tp, tp + cm.falsePositives()),
        e.recall(),
        wilson(tp, tp + cm.falseNegatives()),
        e.f1(),
        auc,
        auc.isPresent() ? delong(p, y) : Interval.NONE,
        ap,
        ap.isPresent() ? logitInterval(ap.getAsDouble(), e.positives()) : Interval.NONE,
        sum / n,
        (double) e.positives() / n,
        wilson(e.positives(), n),
        e.expectedCalibrationError(),
        e.brierScore());
  }

  /** Wilson score interval of k successes in n trials; [0, 1] for n = 0. */
  static Interval wilson(long k, long n) {
    if (n == 0) {
      return new Interval(0, 1);
    }
    double phat = (double) k / n;
    double z2 = Z * Z;
    double denom = 1 + z2 / n;
    double center = (phat + z2 / (2.0 * n)) / denom;
    double half = Z / denom * Math.sqrt(phat * (1 - phat) / n + z2 / (4.0 * n * n));
    return new Interval(Math.max(0, center - half), Math.min(1, center + half));
  }

  /**
   * DeLong's interval for the ROC-AUC from placement values (DeLong, DeLong and Clarke-Pearson
   * 1988), computed with mid-ranks in O(n log n) as Sun and Xu (2014) show; clipped to [0, 1].
   */
  static Interval delong(double[] p, boolean[] y) {
    int m = 0;
    for (boolean b : y) {
      if (b) {
        m++;
      }
    }
    int n = y.length - m;
    double[] pos = new double[m];
    double[] neg = new double[n];
    for (int i = 0, a = 0, b = 0; i < y.length; i++) {
      if (y[i]) {
        pos[a++] = p[i];
      } else {
        neg[b++] = p[i];
      }
    }
    double[] all = Arrays.copyOf(pos, m + n);
    System.arraycopy(neg, 0, all, m, n);
    double[] rAll = midranks(all);
    double[] rPos = midranks(pos);
    double[] rNeg = midranks(neg);
    // V10: for each positive, the share of negatives it outranks (ties ½)
    double[] v10 = new double[m];
    double auc = 0;
    for (int i = 0; i < m; i++) {
      v10[i] = (rAll[i] - rPos[i]) / n;
      auc += v10[i];
    }
    auc /= m;
    // V01: for each negative, the share of positives that outrank it
    double[] v01 = new double[n];
    for (int j = 0; j < n; j++) {
      v01[j] = 1.0 - (rAll[m + j] - rNeg[j]) / m;
    }
    double var = variance(v10, auc) / m + variance(v01, auc) / n;
    double half = Z * Math.sqrt(var);
    return new Interval(Math.max(0, auc - half), Math.min(1, auc + half));
  }

  /** Sample variance around a known mean ({@code (k − 1)} denominator; 0 for one value). */
  private static double variance(double[] v, double mean) {
    if (v.length < 2) {
      return 0;
    }
    double s = 0;
    for (double x : v) {
      s += (x - mean) * (x - mean);
    }
    return s / (v.length - 1);
  }

  /** 1-based ranks, ties sharing their average rank. */
  static double[] midranks(double[] x) {
    int n = x.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
    double[] r = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && x[order[j + 1]] == x[order[i]]) {
        j++;
      }
      double mid = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[order[k]] = mid;
      }
      i = j + 1;
    }
    return r;
  }

  /** The logit interval of an average precision over {@code positives} positives. */
  static Interval logitInterval(double ap, long positives) {
    if (ap <= 0 || ap >= 1 || positives == 0) {
      return new Interval(ap, ap);
    }
    double eta = Math.log(ap / (1 - ap));
    double tau = 1 / Math.sqrt(positives * ap * (1 - ap));
    return new Interval(expit(eta - Z * tau), expit(eta + Z * tau));
  }

  private static double expit(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
