package io.propensity.training.pipeline.tuning;

import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.CancelledException;
import io.propensity.training.pipeline.Progress;
import io.propensity.training.pipeline.ProgressListener;
import io.propensity.training.pipeline.Stage;
import io.propensity.training.pipeline.TrainingFailedException;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.imbalance.ImbalanceHandler;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.imbalance.PreparedFold;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.model.EarlyStoppingMetric;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.model.LightGbmFit;
import io.propensity.training.pipeline.model.LightGbmTrainer;
import io.propensity.training.pipeline.split.Fold;
import io.propensity.training.pipeline.split.Splitter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Searches LightGBM hyperparameters by k-fold cross-validation on the training rows only (the
 * validation and test sets are never seen), with early stopping inside each fold.
 *
 * <p>Built for small and noisy data as much as for large: the ranges scale with the training rows
 * ({@link SearchSpace#forData}); rows with cutoffs are cross-validated on forward-chaining time
 * blocks with the split's purge gap between fit and validated cutoffs; other rows on stratified
 * k-fold, repeated with other shuffles when the rows are few ({@link TuningConfig#repeatsFor}), so
 * one lucky partition does not pick the winner; early-stopping patience grows as the learning rate
 * shrinks ({@link BoostingSettings#patienceAt}), and every fold's best iteration is kept so the
 * final fit can take its number of rounds from cross-validation ({@link
 * TuningResult#iterationsFor}).
 *
 * <p>Trials run {@link TuningConfig#parallelism()} at a time, each with {@link
 * TuningConfig#threadsPerTrial()} LightGBM threads; on two cores, two single-threaded trials use
 * both cores with no OpenMP contention. Proposals are made on the calling thread from the trials
 * finished so far, so with parallelism 1 a seed fixes the whole search. No trial starts after the
 * trial budget or the time budget is spent; trials running when the time budget ends are stopped
 * and recorded as {@link Trial.TrialStatus#TIMED_OUT}. Every trial is recorded.
 */
public final class HyperparameterTuner {
  private HyperparameterTuner() {}

  /** Tunes with no purge gap between time-block folds (labels that do not look ahead). */
  public static TuningResult tune(
      Dataset data,
      int[] trainRows,
      List<String> featureNames,
      TuningConfig config,
      ImbalanceStrategy imbalance,
      BoostingSettings boosting,
      ProgressListener progress,
      CancellationToken cancel) {
    return tune(
        data,
        trainRows,
        featureNames,
        config,
        imbalance,
        boosting,
        Duration.ZERO,
        progress,
        cancel);
  }

  /**
   * Tunes on {@code trainRows}.
   *
   * @param purgeGap time-block folds keep at least this gap between a fit row's cutoff and the
   *     first validated cutoff (the label horizon, as in the train/test split)
   */
  public static TuningResult tune(
      Dataset data,
      int[] trainRows,
      List<String> featureNames,
      TuningConfig config,
      ImbalanceStrategy imbalance,
      BoostingSettings boosting,
      Duration purgeGap,
      ProgressListener progress,
      CancellationToken cancel) {
    Instant start = Instant.now();
    CancellationToken budget = cancel.withDeadline(start.plus(config.timeBudget()));
    int n = trainRows.length;
    int positives = (int) Arrays.stream(trainRows).filter(data::label).count();
    SearchSpace space = config.space().orElseGet(() -> SearchSpace.forData(n, positives));
    List<Fold> folds =
        Splitter.folds(
            data,
            trainRows,
            config.folds(),
            config.timeBlockFolds(),
            purgeGap,
            config.repeatsFor(n, positives),
            config.seed());
    boolean timeBlocked = Splitter.isTimeBlocked(data, folds, purgeGap);
    String foldMethod = timeBlocked ? "time-block" : "stratified";
    int repeats = timeBlocked ? 1 : Math.max(1, folds.size() / config.folds());
    List<Integer> foldFitRows = folds.stream().map(f -> f.fit().length).toList();
    int[] categorical = data.categoricalIndices();
    BoostingSettings trialBoosting = boosting.withThreads(config.threadsPerTrial());

    // prepared folds are reused across trials when they fit the cache budget (SMOTE is not redone)
    long bytes = 0;
    for (Fold f : folds) {
      bytes += (long) f.fit().length * data.featureCount() * Double.BYTES * 2;
    }
    List<PreparedFold> cached = null;
    if (bytes <= config.foldCacheBytes()) {
      cached = new ArrayList<>();
      for (Fold f : folds) {
        cancel.throwIfCancelled();
        cached.add(prepare(data, f, imbalance, config.seed()));
      }
    }
    final List<PreparedFold> cache = cached;

    TpeSampler tpe =
        new TpeSampler(config.warmupTrials(), config.tpeCandidates(), config.tpeGamma());
    Random rnd = new Random(config.seed());
    List<TpeSampler.Observation> history = new ArrayList<>();
    List<Trial> trials = new ArrayList<>();
    java.util.Map<Integer, double[]> points = new java.util.HashMap<>();
    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            config.parallelism(),
            r -> {
              Thread t = new Thread(r, "tuning-trial-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    CompletionService<Trial> completions = new ExecutorCompletionService<>(pool);
    int started = 0;
    int running = 0;
    try {
      while (true) {
        while (running < config.parallelism()
            && started < config.maxTrials()
            && !budget.isCancelled()) {
          boolean random = config.method() == SearchMethod.RANDOM || tpe.warmingUp(history.size());
          double[] point = random ? space.randomUnit(rnd) : tpe.propose(history, space.size(), rnd);
          int number = ++started;
          points.put(number, point);
          Hyperparameters hp = space.toHyperparameters(point, n);
          String by = random ? "random" : "tpe";
          completions.submit(
              () ->
                  runTrial(
                      number,
                      hp,
                      by,
                      data,
                      folds,
                      cache,
                      imbalance,
                      featureNames,
                      categorical,
                      trialBoosting,
                      config,
                      progress,
                      budget,
                      cancel));
          running++;
        }
        if (running == 0) {
          break;
        }
        Trial t = take(completions);
        running--;
        trials.add(t);
        if (t.status() == Trial.TrialStatus.COMPLETED) {
          double loss = boosting.metric().higherIsBetter() ? -t.cvMean() : t.cvMean();
          history.add(new TpeSampler.Observation(points.get(t.number()), loss));
        }
        progress.onProgress(
            new Progress(
                Stage.TUNING,
                t.number(),
                config.maxTrials(),
                0,
                boosting.metric().lightGbmName(),
                t.cvMean(),
                100.0 * trials.size() / config.maxTrials(),
                "trial "
                    + t.number()
                    + " "
                    + t.status().name().toLowerCase()
                    + " cv "
                    + boosting.metric().lightGbmName()
                    + " "
                    + t.cvMean()));
      }
    } finally {
      pool.shutdownNow();
      awaitQuietly(pool);
    }
    if (cancel.isCancelled()) {
      throw new CancelledException("training was cancelled during tuning");
    }
    trials.sort(Comparator.comparingInt(Trial::number));
    EarlyStoppingMetric metric = boosting.metric();
    int bestIndex = -1;
    for (int i = 0; i < trials.size(); i++) {
      Trial t = trials.get(i);
      if (t.status() == Trial.TrialStatus.COMPLETED
          && (bestIndex < 0 || metric.better(t.cvMean(), trials.get(bestIndex).cvMean()))) {
        bestIndex = i;
      }
    }
    Hyperparameters bestParams = Hyperparameters.forData(n, positives);
    int bestIteration = 0;
    if (bestIndex >= 0) {
      Trial b = trials.get(bestIndex).asBest();
      trials.set(bestIndex, b);
      bestParams = b.params();
      bestIteration = b.bestIteration();
    }
    TuningResult.StopReason reason =
        started >= config.maxTrials()
                && trials.stream().noneMatch(t -> t.status() == Trial.TrialStatus.TIMED_OUT)
            ? TuningResult.StopReason.TRIAL_BUDGET
            : TuningResult.StopReason.TIME_BUDGET;
    return new TuningResult(
        trials,
        bestParams,
        bestIteration,
        metric,
        config.method(),
        foldMethod,
        folds.size(),
        Duration.between(start, Instant.now()),
        reason,
        space,
        repeats,
        foldFitRows);
  }

  private static Trial runTrial(
      int number,
      Hyperparameters hp,
      String proposedBy,
      Dataset data,
      List<Fold> folds,
      List<PreparedFold> cache,
      ImbalanceStrategy imbalance,
      List<String> featureNames,
      int[] categorical,
      BoostingSettings boosting,
      TuningConfig config,
      ProgressListener progress,
      CancellationToken budget,
      CancellationToken userCancel) {
    long t0 = System.nanoTime();
    List<Double> metrics = new ArrayList<>();
    List<Integer> foldIterations = new ArrayList<>();
    BoostingSettings patient =
        boosting.withEarlyStoppingRounds(boosting.patienceAt(hp.learningRate()));
    try {
      for (int f = 0; f < folds.size(); f++) {
        budget.throwIfCancelled();
        PreparedFold pf =
            cache != null ? cache.get(f) : prepare(data, folds.get(f), imbalance, config.seed());
        int fold = f;
        LightGbmFit fit =
            LightGbmTrainer.fit(
                pf,
                featureNames,
                categorical,
                hp,
                patient,
                (it, name, value) -> {
                  if (it % 25 == 0) {
                    progress.onProgress(
                        new Progress(
                            Stage.TUNING,
                            number,
                            config.maxTrials(),
                            it,
                            name,
                            value,
                            100.0 * (number - 1) / config.maxTrials(),
                            "trial " + number + " fold " + (fold + 1) + "/" + folds.size()));
                  }
                },
                budget);
        metrics.add(fit.bestValidationMetric());
        foldIterations.add(fit.bestIteration());
      }
      int iterations = foldIterations.stream().mapToInt(Integer::intValue).sum();
      double mean = metrics.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double var =
          metrics.stream().mapToDouble(m -> (m - mean) * (m - mean)).average().orElse(Double.NaN);
      return new Trial(
          number,
          hp,
          proposedBy,
          Trial.TrialStatus.COMPLETED,
          mean,
          Math.sqrt(var),
          metrics,
          Math.round((float) iterations / folds.size()),
          elapsed(t0),
          false,
          "",
          foldIterations);
    } catch (CancelledException e) {
      Trial.TrialStatus s =
          userCancel.isCancelled() ? Trial.TrialStatus.CANCELLED : Trial.TrialStatus.TIMED_OUT;
      return new Trial(
          number,
          hp,
          proposedBy,
          s,
          Double.NaN,
          Double.NaN,
          metrics,
          0,
          elapsed(t0),
          false,
          e.getMessage());
    } catch (TrainingFailedException | IllegalArgumentException e) {
      return new Trial(
          number,
          hp,
          proposedBy,
          Trial.TrialStatus.FAILED,
          Double.NaN,
          Double.NaN,
          metrics,
          0,
          elapsed(t0),
          false,
          String.valueOf(e.getMessage()));
    }
  }

  private static PreparedFold prepare(
      Dataset data, Fold f, ImbalanceStrategy imbalance, long seed) {
    return ImbalanceHandler.prepare(
        data, f.fit(), f.validate(), imbalance, seed + 31L * (f.index() + 1));
  }

  private static Trial take(CompletionService<Trial> completions) {
    try {
      return completions.take().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("tuning was interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    }
  }

  private static Duration elapsed(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      pool.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
