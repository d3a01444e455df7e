package io.propensity.runtime.metrics;

import java.util.List;

/**
 * How well probabilities match observed rates: the reliability curve (10 equal-width bins), the
 * Brier score, log loss and the expected calibration error.
 *
 * @param rows rows evaluated
 * @param brierScore mean squared difference between probability and label, 0 to 1
 * @param logLoss mean negative log-likelihood, each row's likelihood floored at 1e-15
 * @param expectedCalibrationError Σ over bins of (rows in bin / rows) · |mean predicted − observed
 *     rate|, 0 to 1 (0 = every bin's mean probability equals its positive rate)
 * @param bins the reliability curve: 10 equal-width probability bins
 */
public record Reliability(
    long rows,
    double brierScore,
    double logLoss,
    double expectedCalibrationError,
    List<CalibrationBin> bins) {

  public Reliability {
    bins = List.copyOf(bins);
  }

  /** The reliability figures of an evaluation. */
  public static Reliability of(BinaryEvaluation e) {
    return new Reliability(
        e.rows(), e.brierScore(), e.logLoss(), e.expectedCalibrationError(), e.calibration());
  }

  /**
   * Expected calibration error of reliability bins: the rows-weighted mean of |mean predicted −
   * observed rate|; NaN when the bins hold no row.
   */
  public static double expectedCalibrationError(List<CalibrationBin> bins) {
    long rows = 0;
    double sum = 0;
    for (CalibrationBin b : bins) {
      if (b.rows() > 0) {
        rows += b.rows();
        sum += b.rows() * Math.abs(b.meanPredicted() - b.observedRate());
      }
    }
    return rows == 0 ? Double.NaN : sum / rows;
  }
}
