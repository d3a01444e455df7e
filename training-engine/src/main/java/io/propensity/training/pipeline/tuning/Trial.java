package io.propensity.training.pipeline.tuning;

import io.propensity.training.pipeline.model.Hyperparameters;
import java.time.Duration;
import java.util.List;

/**
 * One tuning trial: the hyperparameters tried and what cross-validation made of them.
 *
 * @param number 1-based, in the order trials were started
 * @param params the hyperparameters
 * @param proposedBy "random" or "tpe"
 * @param status how the trial ended
 * @param cvMean mean over folds of the best validation metric (NaN unless COMPLETED)
 * @param cvStd population standard deviation of that metric over folds
 * @param foldMetrics the best validation metric of each finished fold
 * @param bestIteration mean best iteration over folds (0 unless COMPLETED)
 * @param duration wall-clock time of the trial
 * @param best whether this is the selected trial
 * @param error why the trial failed, or empty
 * @param foldIterations the best iteration of each finished fold, in fold order
 */
public record Trial(
    int number,
    Hyperparameters params,
    String proposedBy,
    TrialStatus status,
    double cvMean,
    double cvStd,
    List<Double> foldMetrics,
    int bestIteration,
    Duration duration,
    boolean best,
    String error,
    List<Integer> foldIterations) {

  public Trial {
    foldMetrics = List.copyOf(foldMetrics);
    foldIterations = List.copyOf(foldIterations);
  }

  /** A trial without per-fold iterations. */
  public Trial(
      int number,
      Hyperparameters params,
      String proposedBy,
      TrialStatus status,
      double cvMean,
      double cvStd,
      List<Double> foldMetrics,
      int bestIteration,
      Duration duration,
      boolean best,
      String error) {
    this(
        number,
        params,
        proposedBy,
        status,
        cvMean,
        cvStd,
        foldMetrics,
        bestIteration,
        duration,
        best,
        error,
        List.of());
  }

  /** How a trial ended. */
  public enum TrialStatus {
    COMPLETED,
    FAILED,
    /** Stopped because the tuning time budget ran out. */
    TIMED_OUT,
    CANCELLED
  }

  Trial asBest() {
    return new Trial(
        number,
        params,
        proposedBy,
        status,
        cvMean,
        cvStd,
        foldMetrics,
        bestIteration,
        duration,
        true,
        error,
        foldIterations);
  }
}
