package io.propensity.training.registry;

import java.util.List;

/**
 * Receives alias changes from {@link ModelRegistry#watch}. Called from the registry's feed thread:
 * return quickly (hand off to a queue) and do not call back into the watch from it.
 */
public interface WatchListener {
  /** The current aliases of the watched models, before any change; only when asked for. */
  default void onInitialState(List<AliasChange> aliases) {}

  /** One change, in the order changes were committed, each exactly once. */
  void onChange(AliasChange change);

  /** The registry is shutting down; no more calls follow. */
  default void onClosed() {}
}
