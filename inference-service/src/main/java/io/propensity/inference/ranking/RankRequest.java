package io.propensity.inference.ranking;

import io.propensity.inference.scoring.PredictionInput;
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
 * @param rows for a model of provided features, the candidate rows themselves (then the only
 *     filter); empty otherwise
 */
public record RankRequest(
    Optional<String> model,
    List<String> userIds,
    Optional<Instant> activeSince,
    Optional<Instant> activeBefore,
    int topK,
    OptionalDouble minProbability,
    int explainTopK,
    List<PredictionInput.ByProvided> rows) {
  public RankRequest {
    userIds = List.copyOf(userIds);
    rows = List.copyOf(rows);
  }

  /** A request for users (no provided rows). */
  public RankRequest(
      Optional<String> model,
      List<String> userIds,
      Optional<Instant> activeSince,
      Optional<Instant> activeBefore,
      int topK,
      OptionalDouble minProbability,
      int explainTopK) {
    this(model, userIds, activeSince, activeBefore, topK, minProbability, explainTopK, List.of());
  }
}
