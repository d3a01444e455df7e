package io.propensity.training.pipeline.model;

import java.util.Objects;

/**
 * Fixed (not tuned) settings of one LightGBM fit.
 *
 * @param maxIterations boosting rounds at most, ≥ 1
 * @param earlyStoppingRounds stop when the validation metric has not improved for this many rounds
 * @param metric the validation metric watched
 * @param numThreads LightGBM threads for this fit, ≥ 1
 * @param seed LightGBM {@code seed} (drives bagging and feature sampling)
 */
public record BoostingSettings(
    int maxIterations,
    int earlyStoppingRounds,
    EarlyStoppingMetric metric,
    int numThreads,
    long seed) {

  public BoostingSettings {
    Objects.requireNonNull(metric, "metric");
    if (maxIterations < 1 || earlyStoppingRounds < 1 || numThreads < 1) {
      throw new IllegalArgumentException(
          "maxIterations, earlyStoppingRounds and numThreads must be >= 1");
    }
  }

  /** 1000 rounds, patience 50, log loss, one thread. */
  public static BoostingSettings defaults(long seed) {
    return new BoostingSettings(1000, 50, EarlyStoppingMetric.BINARY_LOGLOSS, 1, seed);
  }

  public BoostingSettings withThreads(int threads) {
    return new BoostingSettings(maxIterations, earlyStoppingRounds, metric, threads, seed);
  }

  public BoostingSettings withMaxIterations(int iterations) {
    return new BoostingSettings(iterations, earlyStoppingRounds, metric, numThreads, seed);
  }
}
