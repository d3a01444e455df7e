package io.propensity.runtime.metrics;

/**
 * A metric's value on the rows as they are, with a bootstrap percentile interval around it. All
 * three are NaN when the metric is undefined on these rows (e.g. ROC-AUC with one class only).
 *
 * @param estimate the value on the rows as they are (every row once)
 * @param lower the lower percentile of the resampled values
 * @param upper the upper percentile of the resampled values, ≥ {@code lower}
 */
public record ConfidenceInterval(double estimate, double lower, double upper) {

  /** An interval where nothing is known. */
  public static final ConfidenceInterval UNDEFINED =
      new ConfidenceInterval(Double.NaN, Double.NaN, Double.NaN);

  public ConfidenceInterval {
    if (lower > upper) {
      throw new IllegalArgumentException("lower " + lower + " is above upper " + upper);
    }
  }

  /** Whether the interval has finite bounds. */
  public boolean isDefined() {
    return Double.isFinite(lower) && Double.isFinite(upper);
  }

  /** Whether {@code value} lies within the bounds (inclusive). */
  public boolean contains(double value) {
    return value >= lower && value <= upper;
  }

  /** {@code upper − lower}; NaN when undefined. */
  public double width() {
    return upper - lower;
  }
}
