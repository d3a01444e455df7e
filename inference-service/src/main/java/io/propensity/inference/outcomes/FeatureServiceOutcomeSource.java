package io.propensity.inference.outcomes;

import com.google.protobuf.Timestamp;
import io.propensity.client.FeatureServiceClient;
import io.propensity.engine.labels.Target;
import java.util.ArrayList;
import java.util.List;
import propensity.features.v1.GetOutcomesRequest;
import propensity.features.v1.GetOutcomesResponse;
import propensity.features.v1.OutcomeQuery;

/** Outcomes from feature-service's GetOutcomes: the training-set labeler over the stored events. */
public final class FeatureServiceOutcomeSource implements OutcomeSource {
  private final FeatureServiceClient client;

  public FeatureServiceOutcomeSource(FeatureServiceClient client) {
    this.client = client;
  }

  @Override
  public List<OutcomeStatus> outcomes(LabelSpec spec, List<Query> queries) {
    GetOutcomesRequest.Builder req =
        GetOutcomesRequest.newBuilder()
            .setTarget(
                spec.target() == Target.PURCHASE
                    ? propensity.features.v1.Target.TARGET_PURCHASE
                    : propensity.features.v1.Target.TARGET_CHURN)
            .setHorizon(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(spec.horizon().getSeconds())
                    .setNanos(spec.horizon().getNano()));
    for (Query q : queries) {
      req.addQueries(
          OutcomeQuery.newBuilder()
              .setUserId(q.userId())
              .setAsOf(
                  Timestamp.newBuilder()
                      .setSeconds(q.servedAt().getEpochSecond())
                      .setNanos(q.servedAt().getNano())));
    }
    GetOutcomesResponse r = client.getOutcomes(req.build());
    if (r.getOutcomesCount() != queries.size()) {
      throw new IllegalStateException(
          "feature service answered " + r.getOutcomesCount() + " outcomes to " + queries.size());
    }
    List<OutcomeStatus> out = new ArrayList<>(queries.size());
    r.getOutcomesList()
        .forEach(
            o ->
                out.add(
                    switch (o.getStatus()) {
                      case OUTCOME_STATUS_POSITIVE -> OutcomeStatus.POSITIVE;
                      case OUTCOME_STATUS_NEGATIVE -> OutcomeStatus.NEGATIVE;
                      case OUTCOME_STATUS_NOT_ELIGIBLE -> OutcomeStatus.NOT_ELIGIBLE;
                      default -> OutcomeStatus.NOT_FINAL;
                    }));
    return out;
  }
}
