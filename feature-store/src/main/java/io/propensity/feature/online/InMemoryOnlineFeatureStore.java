package io.propensity.feature.online;

import io.propensity.engine.event.Event;
import io.propensity.engine.features.UserFeatureState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Online state held in this process: one compact {@link UserFeatureState} per user (about 1.4 KiB
 * for a typical active user), restored at start from a snapshot plus the events stored after it, or
 * rebuilt from the event store.
 *
 * <p>A {@link Capture} reads every user's state as it was at one instant while updates go on: an
 * update to a user the capture has not read yet first saves that user's state as it was
 * (copy-on-write), so the captured states are exactly those of the instant the capture began.
 */
public final class InMemoryOnlineFeatureStore implements OnlineFeatureStore {
  // Marks, in a capture's saved map, a user without state when the capture began.
  private static final byte[] ABSENT = new byte[0];
  // Marks, in a capture's saved map, a user the capture has already read.
  private static final byte[] DONE = new byte[0];

  private final ConcurrentHashMap<String, UserFeatureState> states = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private volatile Capture capture;
  private volatile boolean stale;

  @Override
  public void apply(List<Event> stored) {
    for (Event e : stored) {
      // compute() runs under the map's per-key lock: one writer per user at a time.
      states.compute(
          e.userId(),
          (user, state) -> {
            Capture c = capture;
            if (c != null) {
              c.saved.computeIfAbsent(user, u -> state == null ? ABSENT : state.toBodyBytes());
            }
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

  /** Records that an update was lost: the state must not be snapshotted until rebuilt. */
  @Override
  public void markStale() {
    stale = true;
  }

  /** Whether an update was lost since the state was last rebuilt or restored. */
  public boolean stale() {
    return stale;
  }

  /**
   * Replaces the whole state with {@code restored} (at start, before any update).
   *
   * @throws IllegalStateException when the store already holds state
   */
  public void restore(Map<String, UserFeatureState> restored) {
    if (!states.isEmpty()) {
      throw new IllegalStateException("restore into a store that already holds state");
    }
    long total = 0;
    for (Map.Entry<String, UserFeatureState> e : restored.entrySet()) {
      states.put(e.getKey(), e.getValue());
      total += e.getValue().estimatedBytes();
    }
    bytes.set(total);
    stale = false;
  }

  /**
   * Begins a capture of the state as it is now. The caller must make sure no update is running
   * while this method runs (updates before it are in the capture, updates after it are not), and
   * must {@link Capture#close} it when done.
   *
   * @throws IllegalStateException when another capture is under way
   */
  public Capture beginCapture() {
    if (capture != null) {
      throw new IllegalStateException("a capture of the online state is already under way");
    }
    Capture c = new Capture();
    capture = c;
    return c;
  }

  /** The state of every user as it was when the capture began; see the class comment. */
  public final class Capture implements AutoCloseable {
    private final ConcurrentHashMap<String, byte[]> saved = new ConcurrentHashMap<>();

    private Capture() {}

    /**
     * Calls {@code consumer} with each user's state bytes ({@link UserFeatureState#toBodyBytes}).
     */
    public void forEach(java.util.function.BiConsumer<String, byte[]> consumer) {
      for (String user : states.keySet()) {
        byte[][] out = new byte[1][];
        states.computeIfPresent(
            user,
            (u, s) -> {
              byte[] before = saved.put(u, DONE);
              out[0] = before == null ? s.toBodyBytes() : before;
              return s;
            });
        byte[] b = out[0];
        if (b != null && b != ABSENT && b != DONE) {
          consumer.accept(user, b);
        }
      }
    }

    @Override
    public void close() {
      if (capture == this) {
        capture = null;
      }
    }
  }
}
