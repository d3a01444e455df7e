package io.propensity.common.error;

/** A limit was hit: request too large, queue full (gRPC {@code RESOURCE_EXHAUSTED}). */
public final class ResourceExhaustedException extends PropensityException {
  public ResourceExhaustedException(String message) {
    super(message);
  }
}
