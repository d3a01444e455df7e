package io.propensity.runtime;

import io.propensity.runtime.calibration.CalibratedModel;
import io.propensity.runtime.calibration.Calibration;

/**
 * A loaded binary classifier over a fixed, ordered feature vector. Thread-safe for scoring.
 *
 * <p>{@link #close()} releases what the model holds (native boosters for {@link LightGbmModel}, the
 * flat tree arrays for {@link LightGbmJavaModel}); it is idempotent, and every scoring call after
 * it throws {@link IllegalStateException}, whichever the implementation, so a caller that scores
 * through a retired model fails the same way under either scorer.
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

  /**
   * The {@code k} features with the largest |SHAP contribution| for one row, in decreasing
   * |contribution| (ties: lower feature index first); a feature whose contribution is exactly 0 did
   * not move the score and is never listed. The order of {@link
   * io.propensity.runtime.explain.TopFactors#top}.
   *
   * <p>Writes feature indices into {@code features[0..n)} and their contributions into {@code
   * values[0..n)}, and returns {@code n ≤ k}. This default computes every contribution and keeps
   * the k largest without sorting them all; {@link LightGbmJavaModel} selects them without building
   * a {@link Contributions} at all.
   *
   * @throws IllegalArgumentException if {@code k < 0} or an output array is shorter than {@code
   *     min(k, featureCount())}, or the row is not a row of this model
   */
  default int topContributions(double[] row, int k, int[] features, double[] values) {
    TopContributions.check(k, featureCount(), features, values);
    Contributions c = contributions(row);
    int count = c.featureCount();
    return k == 0
        ? 0
        : LightGbmTrees.selectTop(c.perFeature(), count, Math.min(k, count), features, values);
  }

  @Override
  void close();
}
