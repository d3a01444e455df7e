package io.propensity.training.pipeline;

/**
 * One progress report of a training run.
 *
 * @param stage the current stage
 * @param trial 1-based trial number while tuning, else 0
 * @param trials the trial budget while tuning, else 0
 * @param iteration the current boosting iteration (1-based), else 0
 * @param metricName the metric being tracked (e.g. {@code binary_logloss}), or empty
 * @param metricValue the metric's current value, NaN when there is none
 * @param percent overall progress of the run, 0–100
 * @param message a short human-readable description
 */
public record Progress(
    Stage stage,
    int trial,
    int trials,
    int iteration,
    String metricName,
    double metricValue,
    double percent,
    String message) {

  /** A stage-level report without trial or iteration detail. */
  public static Progress stage(Stage stage, double percent, String message) {
    return new Progress(stage, 0, 0, 0, "", Double.NaN, percent, message);
  }
}
