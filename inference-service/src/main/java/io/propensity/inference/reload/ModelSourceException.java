package io.propensity.inference.reload;

/**
 * The registry could not be asked: unreachable, timed out, or answered with an error. Loading is
 * retried on the next alias change or poll; the current version keeps serving meanwhile.
 */
public final class ModelSourceException extends RuntimeException {
  public ModelSourceException(String message, Throwable cause) {
    super(message, cause);
  }

  public ModelSourceException(String message) {
    super(message);
  }
}
