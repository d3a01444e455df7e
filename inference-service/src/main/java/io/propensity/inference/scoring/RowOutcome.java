package io.propensity.inference.scoring;

import io.propensity.common.error.PropensityException;

/** The result of one row of a batch: a prediction, or why there is none. */
public sealed interface RowOutcome {
  /** The row was scored. */
  record Scored(Prediction prediction) implements RowOutcome {}

  /** The row failed on its own; the rest of the batch is unaffected. */
  record Failed(PropensityException error) implements RowOutcome {}
}
