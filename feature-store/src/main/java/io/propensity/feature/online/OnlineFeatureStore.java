package io.propensity.feature.online;

import io.propensity.engine.event.Event;
import io.propensity.engine.features.FeatureVector;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Per-user online feature state, updated as events are stored, so that reading a user's vector
 * never scans the user's history. Implementations: in-process (embedded default) and Redis (shared
 * between replicas).
 */
public interface OnlineFeatureStore extends AutoCloseable {

  /** Applies newly stored events (any users, any order, late ones included). */
  void apply(List<Event> stored);

  /**
   * The vector of {@code userId} as of {@code now} (or as of the user's latest event, if that is
   * later); empty when the user has no event.
   */
  Optional<UserVector> vectorOf(String userId, Instant now);

  /** Users with state. */
  long users();

  /** Approximate bytes held for all users' state. */
  long estimatedBytes();

  /** Whether the state was rebuilt from the event store at start (false when it was persistent). */
  default boolean needsRebuild() {
    return true;
  }

  /** Called once a rebuild from the event store has completed. */
  default void rebuilt() {}

  /**
   * Called when an update could not be applied (the events are stored, the state misses them): a
   * persistent store must then be rebuilt at the next start.
   */
  default void markStale() {}

  @Override
  default void close() {}

  /** A user's vector and the time of the latest event behind it. */
  record UserVector(FeatureVector vector, Instant lastEventAt) {}
}
