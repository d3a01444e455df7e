package io.propensity.engine.session;

import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One visit of one user: a non-empty run of events in canonical order.
 *
 * @param givenId the tracker's session id when the session came from one; empty when inferred from
 *     inactivity gaps
 * @param events the events with their dwell times, in canonical order
 */
public record Session(Optional<String> givenId, List<SessionEvent> events) {
  public Session {
    Objects.requireNonNull(givenId, "givenId");
    events = List.copyOf(events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a session has at least one event");
    }
  }

  /** A stable key: the given id, or {@code ~} followed by the id of the session's first event. */
  public String key() {
    return givenId.orElseGet(() -> "~" + events.get(0).event().eventId());
  }

  /** Time of the first event. */
  public Instant start() {
    return events.get(0).event().occurredAt();
  }

  /** Time of the last event. */
  public Instant end() {
    return events.get(events.size() - 1).event().occurredAt();
  }

  /** From first to last event. */
  public Duration duration() {
    return Duration.between(start(), end());
  }

  /** Whether the session contains a purchase. */
  public boolean hasPurchase() {
    return events.stream().anyMatch(e -> e.event().type() == EventType.PURCHASE);
  }
}
