package io.propensity.training.pipeline;

/** A training run stopped because its {@link CancellationToken} was cancelled. */
public final class CancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CancelledException(String message) {
    super(message);
  }
}
