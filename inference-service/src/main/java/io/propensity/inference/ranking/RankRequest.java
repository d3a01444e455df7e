package io.propensity.inference.ranking;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Which users to rank and which to return.
 *
 * @param model model name; empty means the default model
 * @param userIds candidates; empty means every user this replica knows (see {@link TargetRanker})
 * @param activeSince only users whose newest event is at or after this instant
 * @param activeBefore only users whose newest event is at or before this instant
 * @param topK most users returned; 0 means no count limit
 * @param minProbability least probability returned
 * @param explainTopK factors per ranked user, 0 to 10
 */
public record RankRequest(
    Optional<String> model,
    List<String> userIds,
    Optional<Instant> activeSince,
    Optional<Instant> activeBefore,
    int topK,
    OptionalDouble minProbability,
    int explainTopK) {
  public RankRequest {
    userIds = List.copyOf(userIds);
  }
}
