package io.propensity.inference.outcomes;

/** What is known of a served prediction's outcome. */
public enum OutcomeStatus {
  /** The predicted event happened within the horizon. */
  POSITIVE,
  /** The horizon is over and it did not happen. */
  NEGATIVE,
  /** The horizon is not over in the stored events yet. */
  NOT_FINAL,
  /** A training set would have no row for the user then (no activity before); not labelled. */
  NOT_ELIGIBLE;

  /** Whether the outcome is final (the joiner stores it). */
  public boolean isFinal() {
    return this != NOT_FINAL;
  }
}
