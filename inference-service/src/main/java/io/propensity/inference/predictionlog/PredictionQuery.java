package io.propensity.inference.predictionlog;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which logged predictions to list, oldest first.
 *
 * @param modelName only this model
 * @param modelVersion only this version
 * @param from served at or after
 * @param to served before
 * @param userId only this user
 * @param after only entries after this position (a page token)
 * @param limit most entries, at least 1
 */
public record PredictionQuery(
    Optional<String> modelName,
    OptionalLong modelVersion,
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> userId,
    long after,
    int limit) {

  /** Every logged prediction, the first {@code limit}. */
  public static PredictionQuery all(int limit) {
    return new PredictionQuery(
        Optional.empty(),
        OptionalLong.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        0,
        limit);
  }

  /** The same query from another position. */
  public PredictionQuery after(long position) {
    return new PredictionQuery(modelName, modelVersion, from, to, userId, position, limit);
  }
}
