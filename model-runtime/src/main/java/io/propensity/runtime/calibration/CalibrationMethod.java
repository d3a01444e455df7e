package io.propensity.runtime.calibration;

/**
 * A way to calibrate. A request may say {@link #AUTO}; a fitted {@link Calibration} is always one
 * of the other three.
 */
public enum CalibrationMethod {
  /**
   * {@link #ISOTONIC} when the held-out rows hold at least {@link
   * Calibrator#MIN_CLASS_ROWS_FOR_ISOTONIC} positives and as many negatives, else {@link #PLATT}.
   */
  AUTO,
  /** The model's own probability, the sigmoid of its raw score. */
  NONE,
  /** Platt scaling: a logistic regression on the raw score. */
  PLATT,
  /** Isotonic regression on the raw score (pool adjacent violators, centred). */
  ISOTONIC
}
