package io.propensity.inference.outcomes;

import io.propensity.inference.predictionlog.ServedPrediction;
import java.time.Instant;
import java.util.Objects;

/**
 * A served prediction whose outcome is known: the label the model's goal gives the user over the
 * horizon that follows the moment it was served (purchase within the horizon, or churn).
 *
 * <p>A shadow answer (a model scored beside the one that answered, its answer logged and never
 * returned) is a served prediction with the same request id and row index as the returned one and
 * the shadow alias as its model alias; pairing the two on those keys compares the models on the
 * same requests.
 *
 * @param served the answer as the served-prediction log recorded it
 * @param positive the outcome: the event the model predicts happened within the horizon
 * @param knownAt when the outcome became final (the end of the horizon plus the allowed lag)
 */
public record LabeledPrediction(ServedPrediction served, boolean positive, Instant knownAt) {
  public LabeledPrediction {
    Objects.requireNonNull(served, "served");
    Objects.requireNonNull(knownAt, "knownAt");
  }
}
