package io.propensity.inference.scoring;

import io.propensity.engine.event.ReceivedEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to score: a user id, a feature vector, a user's recent events, or a provided row (feature
 * values by name, for a model of a team's own table).
 */
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

  /**
   * One row of a caller's own features by name.
   *
   * @param rowId the caller's id of the row, echoed in the answer; may be empty
   * @param values one value per feature name
   */
  record ByProvided(String rowId, Map<String, ProvidedValue> values) implements PredictionInput {
    public ByProvided {
      Objects.requireNonNull(rowId, "rowId");
      values = Map.copyOf(values);
    }
  }

  /** Nothing was given. */
  record Missing() implements PredictionInput {}
}
