package io.propensity.runtime.metrics;

/**
 * Counts of a binary decision against the labels. Ratios whose denominator is zero are 0 (the usual
 * "zero division = 0" convention), never NaN.
 */
public record ConfusionMatrix(
    long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

  public ConfusionMatrix {
    if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException("confusion matrix counts must not be negative");
    }
  }

  public long rows() {
    return truePositives + falsePositives + trueNegatives + falseNegatives;
  }

  /** tp / (tp + fp); 0 when nothing is predicted positive. */
  public double precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  /** tp / (tp + fn); 0 when there are no positives. */
  public double recall() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  /** Harmonic mean of precision and recall; 0 when both are 0. */
  public double f1() {
    return fBeta(1.0);
  }

  /** (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp): β &gt; 1 weighs recall more, β &lt; 1 precision. */
  public double fBeta(double beta) {
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta must be a positive finite number, got " + beta);
    }
    double b2 = beta * beta;
    double numerator = (1 + b2) * truePositives;
    return ratio(numerator, numerator + b2 * falseNegatives + falsePositives);
  }

  /** (tp + tn) / rows; 0 for an empty matrix. */
  public double accuracy() {
    return ratio(truePositives + trueNegatives, rows());
  }

  private static double ratio(double numerator, double denominator) {
    return denominator == 0 ? 0.0 : numerator / denominator;
  }
}
