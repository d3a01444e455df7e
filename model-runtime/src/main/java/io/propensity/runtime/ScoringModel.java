package io.propensity.runtime;

import io.propensity.runtime.calibration.CalibratedModel;
import io.propensity.runtime.calibration.Calibration;

/**
 * A loaded binary classifier over a fixed, ordered feature vector. Thread-safe for scoring.
 * Implementations own native memory: {@link #close()} frees it, after which every call fails.
 *
 * <p>A model scores a row twice over: its raw score (log-odds), which SHAP contributions add up to,
 * and its probability, which is the raw score through the model's {@link #calibration()} (for an
 * uncalibrated model, the sigmoid of the raw score). {@link CalibratedModel#of} adds a calibration
 * to any model.
 */
public interface ScoringModel extends AutoCloseable {

  /** Number of features a row must have. */
  int featureCount();

  /**
   * Probability of the positive class for one row: {@code calibration().probability(predictRaw(
   * row))}.
   */
  double predictProbability(double[] row);

  /** Probabilities for many rows at once (faster than one by one). */
  double[] predictProbabilities(double[][] rows);

  /**
   * The raw score (log-odds) for one row; {@code sigmoid(raw) == probability} when the model is not
   * calibrated.
   */
  double predictRaw(double[] row);

  /** How raw scores become probabilities; {@link Calibration#none()} unless calibrated. */
  default Calibration calibration() {
    return Calibration.none();
  }

  /**
   * SHAP contributions of each feature for one row (TreeSHAP), in log-odds: they add up to the raw
   * score, before any calibration.
   */
  Contributions contributions(double[] row);

  /** SHAP contributions for many rows. */
  Contributions[] contributions(double[][] rows);

  @Override
  void close();
}
