package io.propensity.runtime.calibration;

import java.util.Objects;

/**
 * A calibration and what it was fitted on.
 *
 * @param calibration the fitted map from raw score to probability
 * @param reason why this method, in words (e.g. why {@code auto} chose it, or why calibration was
 *     left off); empty when there is nothing to say
 * @param rows held-out rows it was fitted on (0 for none)
 * @param positives positive rows among them
 */
public record CalibrationFit(Calibration calibration, String reason, long rows, long positives) {
  public CalibrationFit {
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(reason, "reason");
    if (rows < 0 || positives < 0 || positives > rows) {
      throw new IllegalArgumentException(
          "rows " + rows + " and positives " + positives + ": need 0 <= positives <= rows");
    }
  }

  /** No calibration, fitted on nothing. */
  public static CalibrationFit none() {
    return new CalibrationFit(Calibration.none(), "", 0, 0);
  }

  /** The method of the fitted calibration. */
  public CalibrationMethod method() {
    return calibration.method();
  }
}
