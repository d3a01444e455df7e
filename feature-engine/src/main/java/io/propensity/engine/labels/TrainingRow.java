package io.propensity.engine.labels;

import io.propensity.engine.features.FeatureVector;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One labelled example: a user's features as of a cutoff and what happened next.
 *
 * @param userId the user
 * @param cutoff T: features use events at or before it, the label events after it
 * @param features the batch feature vector as of T
 * @param label the target's outcome
 * @param sessionId for session conversion, the session's key (given id, or {@code ~} and its first
 *     event id when inferred); empty otherwise
 */
public record TrainingRow(
    String userId,
    Instant cutoff,
    FeatureVector features,
    boolean label,
    Optional<String> sessionId) {
  public TrainingRow {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(cutoff, "cutoff");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(sessionId, "sessionId");
  }
}
