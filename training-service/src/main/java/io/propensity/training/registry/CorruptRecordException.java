package io.propensity.training.registry;

/**
 * A record in the registry's database that this registry cannot read: changed outside the registry,
 * or written by a newer version of it. Never the caller's fault, so it reaches clients as an
 * internal error (with an incident id in the server log), never as a silent default.
 */
public final class CorruptRecordException extends RuntimeException {
  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
