package io.propensity.common.error;

/**
 * The request is well formed but the system is not in a state to do it, e.g. no production model
 * yet (gRPC {@code FAILED_PRECONDITION}).
 */
public final class FailedPreconditionException extends PropensityException {
  public FailedPreconditionException(String message) {
    super(message);
  }
}
