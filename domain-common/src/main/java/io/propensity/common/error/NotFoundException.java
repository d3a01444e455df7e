package io.propensity.common.error;

/** The named thing (user, model, job, version) does not exist (gRPC {@code NOT_FOUND}). */
public final class NotFoundException extends PropensityException {
  public NotFoundException(String message) {
    super(message);
  }
}
