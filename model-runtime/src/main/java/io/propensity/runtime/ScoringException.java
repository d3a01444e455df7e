package io.propensity.runtime;

/**
 * The native scorer failed on a row it had accepted. Not expected after a successful load; callers
 * should treat it as an internal error, not as bad input (bad input is an
 * IllegalArgumentException).
 */
public class ScoringException extends RuntimeException {

  public ScoringException(String message) {
    super(message);
  }
}
