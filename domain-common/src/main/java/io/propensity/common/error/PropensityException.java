package io.propensity.common.error;

/**
 * Base of the few typed errors domain code throws; each maps to one canonical gRPC status code. The
 * message is shown to the client, so it must be written for a user, never contain a stack trace.
 */
public abstract sealed class PropensityException extends RuntimeException
    permits InvalidInputException,
        NotFoundException,
        FailedPreconditionException,
        UnavailableException,
        ResourceExhaustedException {

  protected PropensityException(String message) {
    super(message);
  }

  protected PropensityException(String message, Throwable cause) {
    super(message, cause);
  }
}
