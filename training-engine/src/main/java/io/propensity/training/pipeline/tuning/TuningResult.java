package io.propensity.training.pipeline.tuning;

import io.propensity.training.pipeline.model.EarlyStoppingMetric;
import io.propensity.training.pipeline.model.Hyperparameters;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every trial of a tuning run and the winner.
 *
 * @param trials all trials in start order, including failed and timed-out ones
 * @param bestParams the best completed trial's parameters (the defaults if none completed)
 * @param bestIteration mean best iteration over the winner's folds (0 if none completed)
 * @param metric the cross-validated metric
 * @param method the search method
 * @param foldMethod "time-block" or "stratified"
 * @param folds folds per trial
 * @param elapsed wall-clock time of the whole search
 * @param stopReason why no further trial was started
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
    StopReason stopReason) {

  public TuningResult {
    trials = List.copyOf(trials);
  }

  /** Why tuning stopped. */
  public enum StopReason {
    TRIAL_BUDGET,
    TIME_BUDGET
  }

  public Optional<Trial> best() {
    return trials.stream().filter(Trial::best).findFirst();
  }
}
