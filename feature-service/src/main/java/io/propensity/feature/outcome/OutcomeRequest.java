package io.propensity.feature.outcome;

import io.propensity.engine.labels.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which outcomes to label, as the request asked (validated by {@link Outcomes}).
 *
 * @param target the model's target; empty when not given
 * @param horizon the label window after each as-of time; empty when not given
 * @param queries the (user, as-of) pairs, in order
 */
public record OutcomeRequest(
    Optional<Target> target, Optional<Duration> horizon, List<Query> queries) {
  public OutcomeRequest {
    queries = List.copyOf(queries);
  }

  /** One served prediction to label: its user and when it was served. */
  public record Query(String userId, Instant asOf) {}
}
