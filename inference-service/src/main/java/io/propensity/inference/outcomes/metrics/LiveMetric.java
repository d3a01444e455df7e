package io.propensity.inference.outcomes.metrics;

import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Live quality of one model version and alias over one UTC day (or a whole range), from its
 * labelled served predictions. Intervals are 95%.
 *
 * @param modelVersion the version
 * @param modelAlias the alias it was served for
 * @param day the UTC day; empty for a whole range
 * @param count labelled predictions
 * @param positives of which positive
 * @param threshold the version's decision threshold
 * @param precision precision at the threshold (0 with no predicted positive)
 * @param precisionInterval Wilson interval of precision
 * @param recall recall at the threshold (0 without positives)
 * @param recallInterval Wilson interval of recall
 * @param f1 F1 at the threshold
 * @param rocAuc ROC-AUC; empty with one class only
 * @param rocAucInterval DeLong interval of the ROC-AUC, clipped to [0, 1]
 * @param prAuc PR-AUC (average precision); empty without positives
 * @param prAucInterval logit interval of the PR-AUC
 * @param meanPredicted mean served probability
 * @param observedRate positives / count
 * @param observedRateInterval Wilson interval of the observed rate
 * @param ece expected calibration error over 10 equal-width bins
 * @param brier mean squared difference between probability and outcome
 */
public record LiveMetric(
    long modelVersion,
    String modelAlias,
    Optional<LocalDate> day,
    long count,
    long positives,
    double threshold,
    double precision,
    Interval precisionInterval,
    double recall,
    Interval recallInterval,
    double f1,
    OptionalDouble rocAuc,
    Interval rocAucInterval,
    OptionalDouble prAuc,
    Interval prAucInterval,
    double meanPredicted,
    double observedRate,
    Interval observedRateInterval,
    double ece,
    double brier) {

  /** A confidence interval; {@link #NONE} when undefined. */
  public record Interval(double low, double high) {
    /** No interval (the estimate is undefined). */
    public static final Interval NONE = new Interval(Double.NaN, Double.NaN);

    /** Whether {@code value} lies inside. */
    public boolean contains(double value) {
      return value >= low && value <= high;
    }
  }
}
