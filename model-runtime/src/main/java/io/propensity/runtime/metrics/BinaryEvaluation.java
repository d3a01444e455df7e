package io.propensity.runtime.metrics;

import java.util.List;

/**
 * How well probabilities separate and calibrate a binary outcome, computed by {@link Evaluator}.
 *
 * <p>Degenerate sets: with only one class present, {@code rocAuc} is NaN and the ROC curve is
 * empty; with no positives, {@code prAuc}, lifts and gains are NaN and the PR curve is empty.
 * Precision, recall and F1 follow {@link ConfusionMatrix} (0 on a zero denominator).
 *
 * @param rows rows evaluated
 * @param positives rows with a positive label
 * @param threshold a row is predicted positive when its probability ≥ threshold
 * @param confusion the decision at {@code threshold} against the labels
 * @param precision precision at {@code threshold}
 * @param recall recall at {@code threshold}
 * @param f1 F1 at {@code threshold}
 * @param rocAuc area under the ROC curve (Mann–Whitney; a tied positive/negative pair counts ½)
 * @param prAuc average precision: Σ (recallₙ − recallₙ₋₁) · precisionₙ over distinct thresholds
 * @param logLoss mean negative log-likelihood, each row's likelihood floored at 1e-15
 * @param brierScore mean squared difference between probability and label
 * @param deciles lift and cumulative gain by decile, always 10 entries
 * @param calibration 10 equal-width probability bins
 * @param rocCurve ROC points by decreasing threshold, at most about 200
 * @param prCurve precision-recall points by decreasing threshold, at most about 200
 */
public record BinaryEvaluation(
    long rows,
    long positives,
    double threshold,
    ConfusionMatrix confusion,
    double precision,
    double recall,
    double f1,
    double rocAuc,
    double prAuc,
    double logLoss,
    double brierScore,
    List<LiftDecile> deciles,
    List<CalibrationBin> calibration,
    List<RocPoint> rocCurve,
    List<PrPoint> prCurve) {

  public BinaryEvaluation {
    deciles = List.copyOf(deciles);
    calibration = List.copyOf(calibration);
    rocCurve = List.copyOf(rocCurve);
    prCurve = List.copyOf(prCurve);
  }

  /** Share of positive rows. */
  public double baseRate() {
    return rows == 0 ? Double.NaN : (double) positives / rows;
  }

  /**
   * Expected calibration error over the {@link #calibration()} bins: Σ (bin rows / rows) · |mean
   * predicted − observed rate|, 0 to 1.
   */
  public double expectedCalibrationError() {
    return Reliability.expectedCalibrationError(calibration);
  }

  /** Share of rows decided correctly at {@code threshold}. */
  public double accuracy() {
    return confusion.accuracy();
  }
}
