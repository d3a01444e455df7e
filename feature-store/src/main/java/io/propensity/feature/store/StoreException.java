package io.propensity.feature.store;

/** A storage backend failed (I/O, connection, constraint); the operation had no effect. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
