package io.propensity.inference.scoring;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.FieldViolation;
import java.util.List;

/** An event as received: structurally an event (still to be validated), or not one at all. */
public sealed interface EventInput {
  /** The id as sent, for rejections. */
  String eventId();

  /** A structurally complete event. */
  record Parsed(Event event) implements EventInput {
    @Override
    public String eventId() {
      return event.eventId();
    }
  }

  /** Not an event: e.g. no type or no time. */
  record Unparseable(String eventId, List<FieldViolation> violations) implements EventInput {
    public Unparseable {
      violations = List.copyOf(violations);
    }
  }
}
