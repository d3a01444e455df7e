package io.propensity.engine.session;

import io.propensity.engine.event.Event;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An event placed in its session, with the dwell time the engine attributes to it.
 *
 * @param event the event
 * @param dwell given by the tracker, or derived from the gap to the next event of the session;
 *     absent for the last event of a session without a given dwell
 */
public record SessionEvent(Event event, Optional<Duration> dwell) {
  public SessionEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(dwell, "dwell");
  }
}
