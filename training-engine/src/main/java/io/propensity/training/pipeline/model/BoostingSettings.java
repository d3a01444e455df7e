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

  /** The learning rate at which {@link #patienceAt} is {@link #earlyStoppingRounds()}. */
  public static final double REFERENCE_LEARNING_RATE = 0.05;

  /** Patience never scales below this many rounds: a validation metric is noisy. */
  public static final int MIN_SCALED_PATIENCE = 10;

  /**
   * Early-stopping patience for a fit at {@code learningRate}: {@link #earlyStoppingRounds()} at
   * {@link #REFERENCE_LEARNING_RATE}, inversely proportional to the learning rate (a smaller step
   * needs more rounds to show the same progress), at least {@link #MIN_SCALED_PATIENCE} (or the
   * configured patience if lower) and at most {@link #maxIterations()}.
   */
  public int patienceAt(double learningRate) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
    }
    long scaled = Math.round(earlyStoppingRounds * REFERENCE_LEARNING_RATE / learningRate);
    long floor = Math.min(earlyStoppingRounds, MIN_SCALED_PATIENCE);
    return (int) Math.max(1, Math.min(maxIterations, Math.max(floor, scaled)));
  }

  public BoostingSettings withEarlyStoppingRounds(int rounds) {
    return new BoostingSettings(maxIterations, rounds, metric, numThreads, seed);
  }

  public BoostingSettings withThreads(int threads) {
    return new BoostingSettings(maxIterations, earlyStoppingRounds, metric, threads, seed);
  }

  public BoostingSettings withMaxIterations(int iterations) {
    return new BoostingSettings(iterations, earlyStoppingRounds, metric, numThreads, seed);
  }
}
