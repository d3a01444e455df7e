package io.propensity.runtime;

/** Argument checks shared by the {@code topContributions} methods. */
final class TopContributions {

  private TopContributions() {}

  /**
   * Validates the arguments of {@link ScoringModel#topContributions} for a model of {@code
   * featureCount} features.
   */
  static void check(int k, int featureCount, int[] features, double[] values) {
    if (k < 0) {
      throw new IllegalArgumentException("k must not be negative, got " + k);
    }
    if (features == null || values == null) {
      throw new IllegalArgumentException("features and values must not be null");
    }
    int needed = Math.min(k, featureCount);
    if (features.length < needed || values.length < needed) {
      throw new IllegalArgumentException(
          "the top "
              + k
              + " of "
              + featureCount
              + " features need arrays of "
              + needed
              + ", got "
              + features.length
              + " and "
              + values.length);
    }
  }
}
