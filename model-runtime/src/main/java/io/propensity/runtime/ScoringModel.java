package io.propensity.runtime;

/**
 * A loaded binary classifier over a fixed, ordered feature vector. Thread-safe for scoring.
 * Implementations own native memory: {@link #close()} frees it, after which every call fails.
 */
public interface ScoringModel extends AutoCloseable {

  /** Number of features a row must have. */
  int featureCount();

  /** Probability of the positive class for one row. */
  double predictProbability(double[] row);

  /** Probabilities for many rows at once (faster than one by one). */
  double[] predictProbabilities(double[][] rows);

  /** The raw score (log-odds) for one row; {@code sigmoid(raw) == probability}. */
  double predictRaw(double[] row);

  /** SHAP contributions of each feature for one row (TreeSHAP), in log-odds. */
  Contributions contributions(double[] row);

  /** SHAP contributions for many rows. */
  Contributions[] contributions(double[][] rows);

  @Override
  void close();
}
