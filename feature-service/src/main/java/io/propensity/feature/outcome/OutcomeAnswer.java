package io.propensity.feature.outcome;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcomes of an {@link OutcomeRequest}, one per query in query order.
 *
 * @param outcomes the outcomes
 * @param observedUntil the newest stored event; empty for an empty store
 */
public record OutcomeAnswer(List<Outcome> outcomes, Optional<Instant> observedUntil) {
  public OutcomeAnswer {
    outcomes = List.copyOf(outcomes);
  }

  /** What is known of one query's outcome. */
  public enum Status {
    POSITIVE,
    NEGATIVE,
    NOT_FINAL,
    NOT_ELIGIBLE
  }

  /**
   * One outcome.
   *
   * @param query the query
   * @param status what is known
   * @param finalAt as-of + horizon: when the outcome is, or becomes, final
   */
  public record Outcome(OutcomeRequest.Query query, Status status, Instant finalAt) {}
}
