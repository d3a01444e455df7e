package io.propensity.engine.event;

import java.util.List;

/**
 * An event as received from outside (a request, a stream, a topic): structurally an event, still to
 * be validated, or not one at all. Ingest and live scoring take these so that a bad record is
 * rejected on its own instead of failing the batch it came in.
 */
public sealed interface ReceivedEvent {
  /** The id as sent, for rejections. */
  String eventId();

  /** A structurally complete event (still to be validated). */
  record Parsed(Event event) implements ReceivedEvent {
    @Override
    public String eventId() {
      return event.eventId();
    }
  }

  /** Not an event: e.g. no type or no time. */
  record Unparseable(String eventId, List<FieldViolation> violations) implements ReceivedEvent {
    public Unparseable {
      violations = List.copyOf(violations);
    }
  }
}
