package io.propensity.inference.scoring;

import io.propensity.engine.event.ReceivedEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What to score: a user id, a feature vector, or a user's recent events. */
public sealed interface PredictionInput {
  /** A user scored on online features from the feature service. */
  record ByUser(String userId) implements PredictionInput {}

  /** A precomputed vector; its schema hash must equal the model's. */
  record ByVector(String schemaHash, double[] values) implements PredictionInput {
    public ByVector {
      values = values.clone();
    }

    @Override
    public double[] values() {
      return values.clone();
    }
  }

  /** Recent events of one user, computed into features in process. */
  record ByEvents(List<ReceivedEvent> events, Optional<Instant> asOf) implements PredictionInput {
    public ByEvents {
      events = List.copyOf(events);
    }
  }

  /** Nothing was given. */
  record Missing() implements PredictionInput {}
}
