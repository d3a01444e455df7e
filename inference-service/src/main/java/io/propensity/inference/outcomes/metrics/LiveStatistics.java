package io.propensity.inference.outcomes.metrics;

import io.propensity.inference.challenge.DeLong;
import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.outcomes.metrics.LiveMetric.Interval;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.ConfusionMatrix;
import io.propensity.runtime.metrics.Evaluator;
import java.time.LocalDate;
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

  /** DeLong's 95% interval for the ROC-AUC (the challenger comparison's own code), in [0, 1]. */
  static Interval delong(double[] p, boolean[] y) {
    double[] aucLowHigh = DeLong.interval(p, y, 0.95);
    return new Interval(aucLowHigh[1], aucLowHigh[2]);
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
