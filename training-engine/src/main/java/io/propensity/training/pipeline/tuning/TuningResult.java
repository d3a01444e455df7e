package io.propensity.training.pipeline.tuning;

import io.propensity.training.pipeline.model.EarlyStoppingMetric;
import io.propensity.training.pipeline.model.Hyperparameters;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every trial of a tuning run and the winner.
 *
 * @param trials all trials in start order, including failed and timed-out ones
 * @param bestParams the best completed trial's parameters (the defaults if none completed)
 * @param bestIteration mean best iteration over the winner's folds (0 if none completed)
 * @param metric the cross-validated metric
 * @param method the search method
 * @param foldMethod "time-block" or "stratified"
 * @param folds folds per trial (k × repeats for repeated stratified folds)
 * @param elapsed wall-clock time of the whole search
 * @param stopReason why no further trial was started
 * @param space the ranges searched
 * @param repeats how often stratified k-fold was repeated (1 for time-block folds)
 * @param foldFitRows rows each fold fitted on (before resampling), in fold order
 */
public record TuningResult(
    List<Trial> trials,
    Hyperparameters bestParams,
    int bestIteration,
    EarlyStoppingMetric metric,
    SearchMethod method,
    String foldMethod,
    int folds,
    Duration elapsed,
    StopReason stopReason,
    SearchSpace space,
    int repeats,
    List<Integer> foldFitRows) {

  public TuningResult {
    trials = List.copyOf(trials);
    foldFitRows = List.copyOf(foldFitRows);
  }

  /** Why tuning stopped. */
  public enum StopReason {
    TRIAL_BUDGET,
    TIME_BUDGET
  }

  public Optional<Trial> best() {
    return trials.stream().filter(Trial::best).findFirst();
  }

  /**
   * Boosting rounds for a fit on {@code rows} rows with the best trial's parameters, from
   * cross-validation rather than from one validation split: the median of the folds' best
   * iterations, times √(rows / median rows a fold fitted on). More rows support more rounds before
   * they overfit, but less than proportionally, hence the square root. Empty when no trial
   * completed.
   */
  public OptionalInt iterationsFor(int rows) {
    Optional<Trial> b = best();
    if (b.isEmpty() || b.get().foldIterations().isEmpty() || foldFitRows.isEmpty()) {
      return OptionalInt.empty();
    }
    double iterations = median(b.get().foldIterations());
    double foldRows = Math.max(1, median(foldFitRows));
    double scale = Math.sqrt(Math.max(1, rows) / foldRows);
    return OptionalInt.of((int) Math.max(1, Math.round(iterations * scale)));
  }

  private static double median(List<Integer> values) {
    int[] v = values.stream().mapToInt(Integer::intValue).sorted().toArray();
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2.0;
  }
}
