package io.propensity.training.pipeline.data;

import io.propensity.training.pipeline.TrainingDataException;

/** Preconditions a dataset must meet before anything is trained on it, with actionable messages. */
public final class DatasetChecks {
  private DatasetChecks() {}

  /**
   * Fails unless the dataset has rows, both classes, and at least {@code folds} rows of each class
   * (so every cross-validation fold can hold one of each).
   *
   * @param labelName how to call the label in messages (e.g. the CSV column)
   */
  public static void requireTrainable(Dataset d, int folds, String labelName) {
    requireTrainable(d, folds, labelName, "add rows");
  }

  /**
   * As {@link #requireTrainable(Dataset, int, String)}, each refusal ending with {@code
   * moreRowsAdvice}: what the user can change for more rows of the missing class (e.g. "widen the
   * cutoffs (an earlier --from or a later --to)").
   */
  public static void requireTrainable(
      Dataset d, int folds, String labelName, String moreRowsAdvice) {
    int n = d.rowCount();
    if (n == 0) {
      throw new TrainingDataException(
          "the training set is empty: it has a header but no data rows; " + moreRowsAdvice);
    }
    int pos = d.positiveCount();
    int neg = n - pos;
    if (pos == 0 || neg == 0) {
      throw new TrainingDataException(
          "label \""
              + labelName
              + "\" has only one class: all "
              + n
              + " rows are "
              + (pos == 0 ? "negative (false)" : "positive (true)")
              + "; a classifier needs both positive and negative rows: "
              + moreRowsAdvice);
    }
    if (n < folds) {
      throw new TrainingDataException(
          "only "
              + n
              + " rows, fewer than the "
              + folds
              + " cross-validation folds: "
              + fewerFolds(n)
              + "or "
              + moreRowsAdvice);
    }
    int minority = Math.min(pos, neg);
    if (minority < folds) {
      throw new TrainingDataException(
          "only "
              + minority
              + " "
              + (pos < neg ? "positive" : "negative")
              + " rows, fewer than the "
              + folds
              + " cross-validation folds: "
              + fewerFolds(minority)
              + "or "
              + moreRowsAdvice);
    }
  }

  /** The fold settings that would fit {@code rows} rows of the rarer class; none below 2. */
  private static String fewerFolds(int rows) {
    return rows < 2
        ? ""
        : "lower the folds to "
            + rows
            + " (--folds "
            + rows
            + "), train without tuning (--trials"
            + " 0), ";
  }
}
