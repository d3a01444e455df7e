package io.propensity.training.registry;

/** The registry's database failed (I/O, connection, constraint); the operation had no effect. */
public final class RegistryStoreException extends RuntimeException {
  public RegistryStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
