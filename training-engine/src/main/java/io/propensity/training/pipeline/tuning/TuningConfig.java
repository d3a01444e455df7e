package io.propensity.training.pipeline.tuning;

import java.time.Duration;
import java.util.Objects;

/**
 * How to tune: search method and space, budgets, cross-validation and parallelism.
 *
 * @param method RANDOM or TPE
 * @param space the searched ranges
 * @param maxTrials trial budget, ≥ 1
 * @param timeBudget wall-clock budget; no trial starts after it and running ones are stopped
 * @param folds cross-validation folds, ≥ 2
 * @param timeBlockFolds forward-chaining time-block folds when rows have cutoffs (else stratified)
 * @param parallelism trials run at once, ≥ 1 (1 = reproducible given the seed)
 * @param threadsPerTrial LightGBM threads per trial, ≥ 1
 * @param warmupTrials random trials before TPE starts modelling
 * @param tpeCandidates candidates drawn from l(x) per TPE proposal
 * @param tpeGamma share of trials counted as "good" by TPE, in (0, 1)
 * @param foldCacheBytes prepared (e.g. SMOTE-resampled) folds are kept across trials when they fit
 *     in this many bytes, else rebuilt per trial
 * @param seed proposal and fold seed
 */
public record TuningConfig(
    SearchMethod method,
    SearchSpace space,
    int maxTrials,
    Duration timeBudget,
    int folds,
    boolean timeBlockFolds,
    int parallelism,
    int threadsPerTrial,
    int warmupTrials,
    int tpeCandidates,
    double tpeGamma,
    long foldCacheBytes,
    long seed) {

  public TuningConfig {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(timeBudget, "timeBudget");
    if (maxTrials < 1
        || folds < 2
        || parallelism < 1
        || threadsPerTrial < 1
        || warmupTrials < 1
        || tpeCandidates < 1) {
      throw new IllegalArgumentException(
          "maxTrials, parallelism, threadsPerTrial, warmupTrials, tpeCandidates must be >= 1 and"
              + " folds >= 2");
    }
    if (timeBudget.isNegative() || timeBudget.isZero()) {
      throw new IllegalArgumentException("timeBudget must be positive");
    }
  }

  /**
   * TPE, 30 trials or 10 minutes, 5 folds, 2 trials at once with 1 thread each, 10 warm-up trials.
   */
  public static TuningConfig defaults(long seed) {
    return new TuningConfig(
        SearchMethod.TPE,
        SearchSpace.defaults(),
        30,
        Duration.ofMinutes(10),
        5,
        true,
        2,
        1,
        10,
        24,
        0.25,
        512L << 20,
        seed);
  }

  public TuningConfig withMethod(SearchMethod m) {
    return new TuningConfig(
        m,
        space,
        maxTrials,
        timeBudget,
        folds,
        timeBlockFolds,
        parallelism,
        threadsPerTrial,
        warmupTrials,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        seed);
  }

  public TuningConfig withBudget(int trials, Duration time) {
    return new TuningConfig(
        method,
        space,
        trials,
        time,
        folds,
        timeBlockFolds,
        parallelism,
        threadsPerTrial,
        warmupTrials,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        seed);
  }

  public TuningConfig withFolds(int k) {
    return new TuningConfig(
        method,
        space,
        maxTrials,
        timeBudget,
        k,
        timeBlockFolds,
        parallelism,
        threadsPerTrial,
        warmupTrials,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        seed);
  }

  public TuningConfig withParallelism(int trialsAtOnce) {
    return new TuningConfig(
        method,
        space,
        maxTrials,
        timeBudget,
        folds,
        timeBlockFolds,
        trialsAtOnce,
        threadsPerTrial,
        warmupTrials,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        seed);
  }

  public TuningConfig withWarmupTrials(int warmup) {
    return new TuningConfig(
        method,
        space,
        maxTrials,
        timeBudget,
        folds,
        timeBlockFolds,
        parallelism,
        threadsPerTrial,
        warmup,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        seed);
  }

  public TuningConfig withSeed(long s) {
    return new TuningConfig(
        method,
        space,
        maxTrials,
        timeBudget,
        folds,
        timeBlockFolds,
        parallelism,
        threadsPerTrial,
        warmupTrials,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        s);
  }
}
