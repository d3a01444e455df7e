package io.propensity.common.error;

import java.time.Duration;
import java.util.Optional;

/** A dependency is down or overloaded; retrying later may work (gRPC {@code UNAVAILABLE}). */
public final class UnavailableException extends PropensityException {
  private final Optional<Duration> retryAfter;

  public UnavailableException(String message, Optional<Duration> retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  public UnavailableException(String message) {
    this(message, Optional.empty(), null);
  }

  /** How long the client should wait before retrying, when known. */
  public Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
