package io.propensity.runtime;

/**
 * A model text could not be loaded: corrupt, truncated, or not a model this runtime can serve. The
 * message says what is wrong and what was expected; nothing was loaded and no native memory is
 * held.
 */
public class ModelLoadException extends Exception {

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
