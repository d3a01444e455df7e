package io.propensity.training.pipeline;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * A test row with the probability the trained model gives it, computed by model-runtime: a loaded
 * model version must reproduce these exactly (within floating-point noise) before it serves.
 *
 * @param testRow position of the row in the dataset
 * @param userId the row's user, when known
 * @param cutoff the row's cutoff, when known
 * @param features feature values in schema order (NaN = missing)
 * @param label the true label
 * @param expectedProbability P(positive) from the final model
 * @param expectedRawScore the raw score (log-odds) from the final model
 */
public record GoldenRow(
    int testRow,
    Optional<String> userId,
    Optional<Instant> cutoff,
    double[] features,
    boolean label,
    double expectedProbability,
    double expectedRawScore) {

  public GoldenRow {
    features = features.clone();
  }

  @Override
  public double[] features() {
    return features.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoldenRow g
        && g.testRow == testRow
        && g.userId.equals(userId)
        && g.cutoff.equals(cutoff)
        && Arrays.equals(g.features, features)
        && g.label == label
        && Double.compare(g.expectedProbability, expectedProbability) == 0
        && Double.compare(g.expectedRawScore, expectedRawScore) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(features) * 31 + Integer.hashCode(testRow);
  }

  @Override
  public String toString() {
    return "GoldenRow[row=" + testRow + ", p=" + expectedProbability + "]";
  }
}
