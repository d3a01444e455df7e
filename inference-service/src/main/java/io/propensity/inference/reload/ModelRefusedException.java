package io.propensity.inference.reload;

/**
 * A model version that must never be served: corrupt, incompatible or failing. Versions are
 * immutable, so a refused version is not tried again.
 */
public final class ModelRefusedException extends Exception {
  private final RefusalReason reason;

  public ModelRefusedException(RefusalReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ModelRefusedException(RefusalReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RefusalReason reason() {
    return reason;
  }
}
