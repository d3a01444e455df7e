package io.propensity.training.pipeline;

/**
 * The training data cannot be used as given: the message says what is wrong and where (file line,
 * column, split), in words a user can act on. Maps to {@code INVALID_ARGUMENT} or {@code
 * FAILED_PRECONDITION} at the gRPC edge; never carries a stack trace to the user.
 */
public final class TrainingDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDataException(String message) {
    super(message);
  }

  public TrainingDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
