package io.propensity.training.registry;

/** A watch in progress; closing it stops the calls to its listener. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Stops the watch; idempotent. */
  @Override
  void close();
}
