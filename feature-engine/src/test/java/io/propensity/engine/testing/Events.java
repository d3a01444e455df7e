package io.propensity.engine.testing;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;

/** Terse builders for hand-made histories in tests. */
public final class Events {

  /** A Monday, 10:00 UTC. */
  public static final Instant T0 = Instant.parse("2024-03-04T10:00:00Z");

  private static int counter;

  private Events() {}

  /** An event of user {@code u1} at {@code T0 + minutes}. */
  public static Event.Builder at(double minutes, EventType type) {
    return at(T0.plusMillis(Math.round(minutes * 60_000)), type);
  }

  /** An event of user {@code u1} at {@code t}, with a fresh id. */
  public static synchronized Event.Builder at(Instant t, EventType type) {
    return Event.builder("ev-" + (++counter), "u1", t, type);
  }

  public static Duration minutes(long m) {
    return Duration.ofMinutes(m);
  }
}
