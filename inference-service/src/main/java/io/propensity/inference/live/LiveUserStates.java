package io.propensity.inference.live;

import io.propensity.engine.features.UserFeatureState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The live feature state of users seen on StreamPredict streams, in memory and bounded: at most
 * {@code maxUsers} users and about {@code maxBytes} of state; the least recently updated users go
 * first, and users idle for {@code idleTimeout} are dropped (checked on every update). A user's
 * state is seeded by a {@link StateSeeder} (their stored events) before its first update, under the
 * user's lock, so concurrent streams of one user all see the seeded state; a dropped user is seeded
 * again at their next event.
 */
public final class LiveUserStates {

  /**
   * Bounds.
   *
   * @param maxUsers most users kept
   * @param maxBytes most state kept, as estimated by {@link UserFeatureState#estimatedBytes()}
   * @param idleTimeout users without an event for this long are dropped
   */
  public record Settings(int maxUsers, long maxBytes, Duration idleTimeout) {
    public Settings {
      if (maxUsers < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("maxUsers and maxBytes must be positive");
      }
    }
  }

  private static final class Entry {
    final UserFeatureState state = new UserFeatureState();
    long touchedMillis;
    long bytes;
    HistorySeed seed;
  }

  private final Settings settings;
  private final Clock clock;
  private final StateSeeder seeder;
  private final LinkedHashMap<String, Entry> users = new LinkedHashMap<>(1024, 0.75f, true);
  // The same entries for lookups that must not count as an access (get() reorders `users`).
  private final java.util.HashMap<String, Entry> byId = new java.util.HashMap<>(1024);
  private long totalBytes;
  private long evictions;

  /** Live states that start empty (no stored history to seed them from). */
  public LiveUserStates(Settings settings, Clock clock) {
    this(settings, clock, StateSeeder.none());
  }

  public LiveUserStates(Settings settings, Clock clock, StateSeeder seeder) {
    this.settings = settings;
    this.clock = clock;
    this.seeder = seeder;
  }

  /**
   * Runs {@code action} on the user's state (created and seeded if new) while no other thread
   * touches that user, and returns its result.
   */
  public <T> T update(String userId, Function<UserFeatureState, T> action) {
    return update(userId, (state, seed) -> action.apply(state));
  }

  /**
   * Runs {@code action} on the user's state (created and seeded if new), with how that state was
   * seeded, while no other thread touches that user, and returns its result.
   */
  public <T> T update(String userId, BiFunction<UserFeatureState, HistorySeed, T> action) {
    long now = clock.millis();
    Entry e;
    synchronized (this) {
      e = users.get(userId);
      if (e == null) {
        e = new Entry();
        e.bytes = e.state.estimatedBytes() + 64L + 2L * userId.length();
        totalBytes += e.bytes;
        users.put(userId, e);
        byId.put(userId, e);
      }
      e.touchedMillis = now;
    }
    T result;
    long delta;
    synchronized (e) {
      if (e.seed == null) {
        e.seed = seeder.seed(userId, e.state);
      }
      result = action.apply(e.state, e.seed);
      long bytes = e.state.estimatedBytes() + 64L + 2L * userId.length();
      delta = bytes - e.bytes;
      e.bytes = bytes;
    }
    synchronized (this) {
      if (users.get(userId) == e) {
        totalBytes += delta;
      }
      evict(now);
    }
    return result;
  }

  private void evict(long now) {
    Iterator<Map.Entry<String, Entry>> it = users.entrySet().iterator();
    // Access order: the eldest (least recently updated) first; never evict the newest entry.
    while (it.hasNext() && users.size() > 1) {
      Map.Entry<String, Entry> oldest = it.next();
      Entry eldest = oldest.getValue();
      boolean idle = now - eldest.touchedMillis >= settings.idleTimeout().toMillis();
      if (!idle && users.size() <= settings.maxUsers() && totalBytes <= settings.maxBytes()) {
        return;
      }
      totalBytes -= eldest.bytes;
      evictions++;
      it.remove();
      byId.remove(oldest.getKey());
    }
  }

  /**
   * Runs {@code read} on the user's state if the user has one, without creating, seeding or
   * touching it (eviction order is unchanged).
   */
  public <T> Optional<T> peek(String userId, Function<UserFeatureState, T> read) {
    Entry e;
    synchronized (this) {
      e = byId.get(userId);
    }
    if (e == null) {
      return Optional.empty();
    }
    synchronized (e) {
      return e.seed == null ? Optional.empty() : Optional.of(read.apply(e.state));
    }
  }

  /** Users with live state, least recently updated first. */
  public synchronized List<String> userIds() {
    return new ArrayList<>(users.keySet());
  }

  /** Users with live state. */
  public synchronized int size() {
    return users.size();
  }

  /** Estimated bytes of all live state. */
  public synchronized long estimatedBytes() {
    return totalBytes;
  }

  /** Users dropped since start (idle, or to stay within the bounds). */
  public synchronized long evictions() {
    return evictions;
  }
}
