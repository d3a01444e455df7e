package io.propensity.feature.outcome;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.Event;
import io.propensity.engine.labels.LabelDefinition;
import io.propensity.engine.labels.Labeler;
import io.propensity.engine.labels.Target;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.trainingset.TrainingSets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Labels served predictions with the rules training sets use: each (user, as-of) pair is a cutoff,
 * labelled by feature-engine's {@link Labeler} over the user's stored history, so a live outcome is
 * exactly the label a training set built with that cutoff would give the user.
 */
public final class Outcomes {
  /** Most queries in one request. */
  public static final int MAX_QUERIES = 10_000;

  private final EventStore store;

  public Outcomes(EventStore store) {
    this.store = store;
  }

  /**
   * The outcome of every query.
   *
   * @throws InvalidInputException naming every bad field
   */
  public OutcomeAnswer label(OutcomeRequest request) {
    LabelDefinition definition = validate(request);
    Duration horizon = request.horizon().orElseThrow();
    Optional<Instant> newest = store.statistics().lastEventAt();
    Map<String, List<Event>> histories = new HashMap<>();
    List<OutcomeAnswer.Outcome> out = new ArrayList<>(request.queries().size());
    for (OutcomeRequest.Query q : request.queries()) {
      Instant finalAt = q.asOf().plus(horizon);
      if (newest.isEmpty() || finalAt.isAfter(newest.get())) {
        // the same completeness rule as a training set's last cutoff
        out.add(new OutcomeAnswer.Outcome(q, OutcomeAnswer.Status.NOT_FINAL, finalAt));
        continue;
      }
      List<Event> history = histories.computeIfAbsent(q.userId(), store::history);
      OutcomeAnswer.Status status =
          Labeler.label(definition, history, q.asOf())
              .map(
                  positive ->
                      positive ? OutcomeAnswer.Status.POSITIVE : OutcomeAnswer.Status.NEGATIVE)
              .orElse(OutcomeAnswer.Status.NOT_ELIGIBLE);
      out.add(new OutcomeAnswer.Outcome(q, status, finalAt));
    }
    return new OutcomeAnswer(out, newest);
  }

  private static LabelDefinition validate(OutcomeRequest request) {
    List<FieldError> errors = new ArrayList<>();
    Target target = request.target().orElse(null);
    if (target == null) {
      errors.add(new FieldError("target", "is required (PURCHASE or CHURN)"));
    } else if (!target.usesHorizon()) {
      errors.add(
          new FieldError(
              "target",
              target
                  + " is labelled per session, not per served prediction; use PURCHASE or CHURN"));
    }
    Duration horizon = request.horizon().orElse(null);
    if (horizon == null || horizon.isZero() || horizon.isNegative()) {
      errors.add(new FieldError("horizon", "is required and must be positive"));
    } else if (target != null && target.usesHorizon()) {
      Duration min = target.minimumHorizon();
      if (horizon.compareTo(min) < 0) {
        errors.add(
            new FieldError(
                "horizon",
                horizon + " is shorter than " + min + ", the shortest " + target + " horizon"));
      } else if (horizon.compareTo(TrainingSets.MAX_HORIZON) > 0) {
        errors.add(
            new FieldError(
                "horizon",
                horizon + " is longer than " + TrainingSets.MAX_HORIZON + ", the longest"));
      }
    }
    if (request.queries().isEmpty()) {
      errors.add(new FieldError("queries", "is required: 1 to " + MAX_QUERIES + " queries"));
    } else if (request.queries().size() > MAX_QUERIES) {
      errors.add(
          new FieldError(
              "queries",
              request.queries().size() + " queries, at most " + MAX_QUERIES + " allowed"));
    }
    for (int i = 0; i < request.queries().size() && errors.size() < 20; i++) {
      OutcomeRequest.Query q = request.queries().get(i);
      if (q.userId().isBlank() || q.userId().length() > 128) {
        errors.add(new FieldError("queries[" + i + "].user_id", "must have 1 to 128 characters"));
      }
      if (q.asOf().equals(Instant.EPOCH)) {
        errors.add(new FieldError("queries[" + i + "].as_of", "is required"));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException("invalid outcome request: " + errors.get(0), errors);
    }
    return target == Target.PURCHASE
        ? LabelDefinition.purchase(horizon)
        : LabelDefinition.churn(horizon);
  }
}
