package io.propensity.feature.online;

import io.propensity.engine.event.Event;
import io.propensity.engine.features.UserFeatureState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Online state held in this process: one compact {@link UserFeatureState} per user (about 1.4 KiB
 * for a typical active user), rebuilt from the event store at start.
 */
public final class InMemoryOnlineFeatureStore implements OnlineFeatureStore {
  private final ConcurrentHashMap<String, UserFeatureState> states = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();

  @Override
  public void apply(List<Event> stored) {
    for (Event e : stored) {
      // compute() runs under the map's per-key lock: one writer per user at a time.
      states.compute(
          e.userId(),
          (user, state) -> {
            UserFeatureState s = state == null ? new UserFeatureState() : state;
            long before = state == null ? 0 : s.estimatedBytes();
            s.apply(e);
            bytes.addAndGet(s.estimatedBytes() - before);
            return s;
          });
    }
  }

  @Override
  public Optional<UserVector> vectorOf(String userId, Instant now) {
    UserVector[] out = new UserVector[1];
    states.computeIfPresent(
        userId,
        (user, s) -> {
          Instant last = s.watermark().orElse(now);
          out[0] = new UserVector(s.vectorAsOf(now.isBefore(last) ? last : now), last);
          return s;
        });
    return Optional.ofNullable(out[0]);
  }

  @Override
  public long users() {
    return states.size();
  }

  @Override
  public long estimatedBytes() {
    return bytes.get();
  }
}
