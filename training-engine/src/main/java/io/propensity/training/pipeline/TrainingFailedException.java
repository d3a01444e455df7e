package io.propensity.training.pipeline;

/** A trainer (LightGBM, the baseline) failed for a reason other than bad input data. */
public final class TrainingFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
