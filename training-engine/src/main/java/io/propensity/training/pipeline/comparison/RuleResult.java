package io.propensity.training.pipeline.comparison;

import io.propensity.runtime.metrics.BinaryEvaluation;
import java.util.Objects;
import java.util.Optional;

/**
 * What a naive rule did on the test rows the model was evaluated on.
 *
 * <p>A rule's probability for a row is the positive rate of the training rows in the same group
 * (where the rule fires, or where it does not), so its log loss and Brier score are those of real
 * probabilities; its decision is the rule firing. Its evaluation's {@code threshold} is the
 * probability of the firing group.
 *
 * @param name the rule's identifier, e.g. {@code bought_in_last_30d}
 * @param title the rule in words, e.g. {@code bought in the last 30 days}
 * @param status whether it was evaluated, and if not why
 * @param note why it was not evaluated, in words; empty when it was
 * @param firingPositiveRate positive rate of the training rows where it fires; NaN unless evaluated
 * @param otherPositiveRate positive rate of the training rows where it does not fire (the overall
 *     training rate when it fires everywhere); NaN unless evaluated
 * @param trainFiringShare share of the training rows where it fires; NaN when not applicable
 * @param testFiringShare share of the test rows where it fires; NaN unless evaluated
 * @param evaluation its evaluation on the test rows, when evaluated
 */
public record RuleResult(
    String name,
    String title,
    Status status,
    String note,
    double firingPositiveRate,
    double otherPositiveRate,
    double trainFiringShare,
    double testFiringShare,
    Optional<BinaryEvaluation> evaluation) {

  /** Whether a rule was evaluated. */
  public enum Status {
    /** Evaluated on the test rows. */
    EVALUATED,
    /** The data lacks the features the rule reads (e.g. a table a user brought). */
    NOT_APPLICABLE,
    /** The rule fires on no training row (e.g. a log without carts): nothing to evaluate. */
    NEVER_FIRES
  }

  public RuleResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(evaluation, "evaluation");
    if (evaluation.isPresent() != (status == Status.EVALUATED)) {
      throw new IllegalArgumentException("a rule has an evaluation exactly when it was evaluated");
    }
  }

  /** Whether the rule was evaluated. */
  public boolean evaluated() {
    return status == Status.EVALUATED;
  }
}
