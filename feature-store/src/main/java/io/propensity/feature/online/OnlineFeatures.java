package io.propensity.feature.online;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.engine.features.FeatureVector;
import io.propensity.feature.ingest.IngestListener;
import io.propensity.feature.store.EventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves users' current feature vectors from the online state, and keeps that state up to date as
 * events are stored. Users without any event get the defined cold-start vector, flagged as such.
 */
public final class OnlineFeatures implements IngestListener {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineFeatures.class);

  private final OnlineFeatureStore store;
  private final Clock clock;
  private final int maxUsersPerRequest;
  private final java.util.concurrent.atomic.AtomicLong failedUpdates =
      new java.util.concurrent.atomic.AtomicLong();

  public OnlineFeatures(OnlineFeatureStore store, Clock clock, int maxUsersPerRequest) {
    this.store = store;
    this.clock = clock;
    this.maxUsersPerRequest = maxUsersPerRequest;
  }

  /** The schema every vector follows. */
  public FeatureSchema schema() {
    return FeatureCatalog.schema();
  }

  /** Rebuilds the state from every stored event (at start, when the state is not persistent). */
  public void rebuildFrom(EventStore events) {
    if (!store.needsRebuild()) {
      LOG.info("online state is persistent ({} users); no rebuild", store.users());
      return;
    }
    long start = System.nanoTime();
    long[] counts = new long[2];
    events.forEachUser(
        h -> {
          store.apply(h.events());
          counts[0]++;
          counts[1] += h.events().size();
          if (counts[0] % 50_000 == 0) {
            LOG.info("rebuilding online state: {} users, {} events so far", counts[0], counts[1]);
          }
        });
    store.rebuilt();
    LOG.info(
        "online state rebuilt: {} users from {} events in {} ms, ~{} bytes",
        counts[0],
        counts[1],
        (System.nanoTime() - start) / 1_000_000,
        store.estimatedBytes());
  }

  @Override
  public void onStored(List<Event> stored) {
    try {
      store.apply(stored);
    } catch (RuntimeException e) {
      // The events are committed and acknowledged; only the derived state lags. Mark it stale so a
      // persistent store is rebuilt from the event store at the next start, and keep serving.
      failedUpdates.incrementAndGet();
      LOG.error("online state update failed for {} events; state marked stale", stored.size(), e);
      try {
        store.markStale();
      } catch (RuntimeException ignored) {
        // the store is unreachable; it will be found stale (or rebuilt) at start
      }
    }
  }

  /** Online-state updates that failed since start. */
  public long failedUpdates() {
    return failedUpdates.get();
  }

  /** The vectors of {@code userIds}, in request order. */
  public List<UserFeatures> forUsers(List<String> userIds) {
    if (userIds.isEmpty()) {
      throw InvalidInputException.of("user_ids", "at least one user id is required");
    }
    if (userIds.size() > maxUsersPerRequest) {
      throw InvalidInputException.of(
          "user_ids",
          userIds.size() + " user ids, at most " + maxUsersPerRequest + " allowed per request");
    }
    List<FieldError> blank = new ArrayList<>();
    for (int i = 0; i < userIds.size(); i++) {
      if (userIds.get(i).isBlank()) {
        blank.add(new FieldError("user_ids[" + i + "]", "is empty"));
      }
    }
    if (!blank.isEmpty()) {
      throw new InvalidInputException(blank.size() + " empty user id(s)", blank);
    }
    Instant now = clock.instant();
    List<UserFeatures> out = new ArrayList<>(userIds.size());
    for (String id : userIds) {
      Optional<OnlineFeatureStore.UserVector> v = store.vectorOf(id, now);
      out.add(
          v.map(uv -> new UserFeatures(id, uv.vector(), false, Optional.of(uv.lastEventAt())))
              .orElseGet(
                  () ->
                      new UserFeatures(
                          id, BatchFeatureComputer.coldStart(), true, Optional.empty())));
    }
    return out;
  }

  /** Users with online state. */
  public long users() {
    return store.users();
  }

  /** Approximate bytes of online state. */
  public long estimatedBytes() {
    return store.estimatedBytes();
  }

  /**
   * One user's features as of now.
   *
   * @param coldStart true when the user has no event: the vector is the cold-start vector
   */
  public record UserFeatures(
      String userId, FeatureVector vector, boolean coldStart, Optional<Instant> lastEventAt) {}
}
