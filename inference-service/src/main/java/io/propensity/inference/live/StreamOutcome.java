package io.propensity.inference.live;

import io.propensity.engine.event.FieldViolation;
import io.propensity.inference.scoring.Prediction;
import java.util.List;

/** The answer to one event of a live stream. */
public sealed interface StreamOutcome {
  /** The event's id as sent. */
  String eventId();

  /**
   * The event was applied; the user's updated prediction.
   *
   * @param seed how the user's live state began on this replica
   */
  record Predicted(String eventId, Prediction prediction, HistorySeed seed)
      implements StreamOutcome {}

  /**
   * The event was invalid and not applied.
   *
   * @param index position of the event over the whole stream
   */
  record Rejected(long index, String eventId, List<FieldViolation> violations)
      implements StreamOutcome {
    public Rejected {
      violations = List.copyOf(violations);
    }
  }
}
