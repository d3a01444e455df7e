package io.propensity.engine.event;

import java.util.Comparator;

/**
 * The one order in which the engine reads a user's events: by time at millisecond precision, then
 * by the 48-bit fingerprint of the event id ({@link Fingerprints#eventId48}), then by the id
 * itself.
 *
 * <p>The id fingerprint, not the id text, breaks ties so that the compact online state, which keeps
 * no id strings, sorts exactly like the batch path. The engine works at millisecond precision:
 * events in the same millisecond are tied whatever their sub-millisecond parts.
 */
public final class EventOrder {

  /** The canonical comparator. */
  public static final Comparator<Event> CANONICAL =
      Comparator.comparingLong((Event e) -> e.occurredAt().toEpochMilli())
          .thenComparingLong(e -> Fingerprints.eventId48(e.eventId()))
          .thenComparing(Event::eventId);

  private EventOrder() {}
}
