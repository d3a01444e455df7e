package io.propensity.inference.challenge;

/**
 * How a comparison computes its intervals.
 *
 * @param level confidence level of every interval, in (0, 1), e.g. 0.95
 * @param resamples bootstrap resamples of the PR-AUC difference, ≥ 1
 * @param seed seed of the bootstrap: equal answers and settings give equal intervals
 */
public record ComparisonSettings(double level, int resamples, long seed) {
  public ComparisonSettings {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level is " + level + "; expected a value in (0, 1)");
    }
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples is " + resamples + "; expected >= 1");
    }
  }
}
