package io.propensity.feature.trainingset;

import java.time.Duration;

/** Totals of a built training set. */
public record TrainingSetSummary(
    long rows, long positives, long users, int cutoffs, Duration elapsed) {
  /** Share of positive rows, 0 when there is no row. */
  public double positiveRate() {
    return rows == 0 ? 0 : (double) positives / rows;
  }
}
