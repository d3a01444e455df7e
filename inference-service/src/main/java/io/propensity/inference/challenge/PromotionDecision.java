package io.propensity.inference.challenge;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision of the promotion policy.
 *
 * @param model the model
 * @param kind what was decided
 * @param decidedAt when
 * @param productionVersion production's version when deciding; 0 when none
 * @param challengerVersion the challenger's version; 0 when none
 * @param resultingProductionVersion production's version after the decision
 * @param reason the rule that applied, in words
 * @param promotion the challenger-vs-production comparison, when one was made
 * @param regression the production-vs-previous comparison (the rollback check), when one was made
 */
public record PromotionDecision(
    String model,
    DecisionKind kind,
    Instant decidedAt,
    long productionVersion,
    long challengerVersion,
    long resultingProductionVersion,
    String reason,
    Optional<PairedComparison> promotion,
    Optional<PairedComparison> regression) {
  public PromotionDecision {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(decidedAt, "decidedAt");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(promotion, "promotion");
    Objects.requireNonNull(regression, "regression");
  }
}
