package io.propensity.inference.live;

import io.propensity.common.error.UnavailableException;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.UserFeatureState;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds a user's new live state with their stored events, so that a user with months of history
 * does not look new on a stream. Never fails: without a history source, or when it fails, the state
 * stays empty (and the seed says so); after a failure it is not asked again for {@code pause}, so
 * that a down feature service does not cost every new user a timeout. A call this side gave up on
 * ({@link UserHistorySource.AbandonedException}) is no failure of the source: it pauses nothing,
 * and the user's state stays unseeded, to be seeded at their next event.
 */
public final class StateSeeder {
  private static final Logger LOG = LoggerFactory.getLogger(StateSeeder.class);

  private final Optional<UserHistorySource> source;
  private final Duration pause;
  private final Clock clock;
  private final Consumer<HistorySeed.Origin> counter;
  private volatile long pausedUntilMillis = Long.MIN_VALUE;

  /**
   * @param source stored histories; empty when no feature service is configured
   * @param pause how long to stop asking after a failure
   * @param counter hears the origin of every seed (for metrics)
   */
  public StateSeeder(
      Optional<UserHistorySource> source,
      Duration pause,
      Clock clock,
      Consumer<HistorySeed.Origin> counter) {
    this.source = source;
    this.pause = pause;
    this.clock = clock;
    this.counter = counter;
  }

  /** A seeder that never seeds (no feature service). */
  public static StateSeeder none() {
    return new StateSeeder(Optional.empty(), Duration.ZERO, Clock.systemUTC(), o -> {});
  }

  /**
   * Applies the user's stored events to {@code state} (new and empty) and says how it went.
   *
   * @throws UnavailableException only when this side gave up waiting for the history; {@code state}
   *     is then untouched
   */
  public HistorySeed seed(String userId, UserFeatureState state) {
    HistorySeed seed = load(userId, state);
    counter.accept(seed.origin());
    return seed;
  }

  private HistorySeed load(String userId, UserFeatureState state) {
    if (source.isEmpty() || clock.millis() < pausedUntilMillis) {
      return HistorySeed.UNAVAILABLE;
    }
    UserHistorySource.StoredHistory history;
    try {
      history = source.get().history(userId);
    } catch (UserHistorySource.AbandonedException e) {
      throw new UnavailableException(
          "stopped waiting for the stored history of user " + userId + ": " + e.getMessage(),
          Optional.of(pause),
          e);
    } catch (UnavailableException e) {
      pausedUntilMillis = clock.millis() + pause.toMillis();
      LOG.warn(
          "cannot seed live state from stored history ({}); new users start empty for the next {} ms",
          e.getMessage(),
          pause.toMillis());
      return HistorySeed.UNAVAILABLE;
    }
    if (history.events().isEmpty()) {
      return new HistorySeed(HistorySeed.Origin.NONE_STORED, 0);
    }
    for (Event e : history.events()) {
      state.apply(e);
    }
    return new HistorySeed(
        history.truncated() ? HistorySeed.Origin.TRUNCATED : HistorySeed.Origin.STORED,
        history.events().size());
  }
}
