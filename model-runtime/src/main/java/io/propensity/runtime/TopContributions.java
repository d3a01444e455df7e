package io.propensity.runtime;

import java.util.function.IntToDoubleFunction;

/** Argument checks and a partial selection shared by the {@code topContributions} methods. */
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

  /**
   * Keeps the {@code k} non-zero contributions of largest magnitude among {@code count}, in
   * decreasing magnitude with ties in index order, by insertion into the k-long prefix of the
   * output arrays: O(count · k) for the few factors a request asks for, instead of sorting every
   * feature.
   *
   * @return how many were written, at most {@code k}
   */
  static int select(
      IntToDoubleFunction contribution, int count, int k, int[] features, double[] values) {
    int n = 0;
    for (int f = 0; f < count && k > 0; f++) {
      double c = contribution.applyAsDouble(f);
      if (c == 0.0) {
        continue;
      }
      double magnitude = Math.abs(c);
      // Strictly larger magnitudes move ahead; an equal one stays behind the earlier feature.
      int at = n;
      while (at > 0 && Math.abs(values[at - 1]) < magnitude) {
        at--;
      }
      if (at == k) {
        continue;
      }
      int last = Math.min(n, k - 1);
      System.arraycopy(features, at, features, at + 1, last - at);
      System.arraycopy(values, at, values, at + 1, last - at);
      features[at] = f;
      values[at] = c;
      n = Math.min(n + 1, k);
    }
    return n;
  }
}
