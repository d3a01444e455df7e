package io.propensity.training.pipeline.tuning;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to tune: search method and space, budgets, cross-validation and parallelism.
 *
 * @param method RANDOM or TPE
 * @param space the searched ranges, or empty for ranges scaled to the training rows ({@link
 *     SearchSpace#forData})
 * @param maxTrials trial budget, ≥ 1
 * @param timeBudget wall-clock budget; no trial starts after it and running ones are stopped
 * @param folds cross-validation folds, ≥ 2
 * @param timeBlockFolds forward-chaining time-block folds when rows have cutoffs (else stratified)
 * @param repeats how often stratified k-fold is repeated with other shuffles, ≥ 1, or {@link
 *     #AUTO_REPEATS}: {@link #SMALL_DATA_REPEATS} when the training rows are few (fewer than {@link
 *     #SMALL_DATA_ROWS} rows or {@link #SMALL_DATA_POSITIVES} positives), else 1; time-block folds
 *     are never repeated (they are the same every time)
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
    Optional<SearchSpace> space,
    int maxTrials,
    Duration timeBudget,
    int folds,
    boolean timeBlockFolds,
    int repeats,
    int parallelism,
    int threadsPerTrial,
    int warmupTrials,
    int tpeCandidates,
    double tpeGamma,
    long foldCacheBytes,
    long seed) {

  /** {@link #repeats()} chosen from the size of the training rows. */
  public static final int AUTO_REPEATS = 0;

  /** Repeats of stratified k-fold on few training rows. */
  public static final int SMALL_DATA_REPEATS = 3;

  /** Fewer training rows than this count as few. */
  public static final int SMALL_DATA_ROWS = 5_000;

  /** Fewer positive training rows than this count as few. */
  public static final int SMALL_DATA_POSITIVES = 200;

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
    if (repeats < 0) {
      throw new IllegalArgumentException("repeats must be >= 1, or 0 for automatic");
    }
  }

  /**
   * The stratified k-fold repeats for {@code rows} training rows of which {@code positives} are
   * positive.
   */
  public int repeatsFor(int rows, int positives) {
    if (repeats != AUTO_REPEATS) {
      return repeats;
    }
    return rows < SMALL_DATA_ROWS || positives < SMALL_DATA_POSITIVES ? SMALL_DATA_REPEATS : 1;
  }

  /**
   * TPE over ranges scaled to the data, 30 trials or 10 minutes, 5 folds (time blocks when rows
   * have cutoffs, else stratified and repeated on small data), 2 trials at once with 1 thread each,
   * 10 warm-up trials.
   */
  public static TuningConfig defaults(long seed) {
    return new TuningConfig(
        SearchMethod.TPE,
        Optional.empty(),
        30,
        Duration.ofMinutes(10),
        5,
        true,
        AUTO_REPEATS,
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
        repeats,
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
        repeats,
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
        repeats,
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
        repeats,
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
        repeats,
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
        repeats,
        parallelism,
        threadsPerTrial,
        warmupTrials,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        s);
  }

  /** This search over fixed ranges instead of ranges scaled to the data. */
  public TuningConfig withSpace(SearchSpace fixed) {
    return new TuningConfig(
        method,
        Optional.of(fixed),
        maxTrials,
        timeBudget,
        folds,
        timeBlockFolds,
        repeats,
        parallelism,
        threadsPerTrial,
        warmupTrials,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        seed);
  }

  /** This search with {@code r} repeats of stratified k-fold ({@link #AUTO_REPEATS}: by size). */
  public TuningConfig withRepeats(int r) {
    return new TuningConfig(
        method,
        space,
        maxTrials,
        timeBudget,
        folds,
        timeBlockFolds,
        r,
        parallelism,
        threadsPerTrial,
        warmupTrials,
        tpeCandidates,
        tpeGamma,
        foldCacheBytes,
        seed);
  }
}
