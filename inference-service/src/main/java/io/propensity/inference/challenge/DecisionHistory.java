package io.propensity.inference.challenge;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The promotion policy's decisions kept where every replica reads them (the served-prediction log's
 * database, table {@code promotion_decisions}), and the claim that lets only one replica decide per
 * model and run.
 */
public interface DecisionHistory {

  /**
   * Claims the run {@code slot} of {@code model} for {@code replica}: true for exactly one caller
   * per model and slot, whichever replica or thread asks first; every other caller gets false. A
   * replica that dies after claiming loses only that run: the next slot is claimed afresh.
   */
  boolean claim(String model, long slot, String replica, Instant now);

  /** Records a decision made by {@code replica}, judged on {@code metric}. */
  void record(PromotionDecision decision, ComparisonMetric metric, String replica);

  /** The newest {@code limit} decisions of {@code model}, newest first. */
  List<RecordedDecision> recent(String model, int limit);

  /**
   * A decision as recorded.
   *
   * @param decision the decision, with the comparisons behind it
   * @param metric the metric the rule judged on
   * @param difference the lead on that metric of the comparison that decided (challenger −
   *     production, or production − previous for a rollback); empty when none was made
   * @param lower the lower bound of its interval
   * @param upper the upper bound
   * @param decidedBy the replica that decided
   */
  record RecordedDecision(
      PromotionDecision decision,
      ComparisonMetric metric,
      OptionalDouble difference,
      OptionalDouble lower,
      OptionalDouble upper,
      String decidedBy) {
    public RecordedDecision {
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(difference, "difference");
      Objects.requireNonNull(lower, "lower");
      Objects.requireNonNull(upper, "upper");
      Objects.requireNonNull(decidedBy, "decidedBy");
    }
  }
}
