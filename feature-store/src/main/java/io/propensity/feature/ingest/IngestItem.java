package io.propensity.feature.ingest;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.FieldViolation;
import java.util.List;

/**
 * One element of an ingest request, after mapping from the wire: an event, or why it is not one.
 */
public sealed interface IngestItem {

  /** A structurally complete event, still to be validated. */
  record Parsed(Event event) implements IngestItem {}

  /** An element that could not even be turned into an event (e.g. no type, no time). */
  record Unparseable(String eventId, List<FieldViolation> violations) implements IngestItem {
    public Unparseable {
      violations = List.copyOf(violations);
    }
  }
}
