package io.propensity.feature.grpc;

import io.propensity.common.grpc.ClientTimes;
import io.propensity.engine.labels.Target;
import io.propensity.feature.outcome.OutcomeAnswer;
import io.propensity.feature.outcome.OutcomeRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import propensity.features.v1.GetOutcomesRequest;
import propensity.features.v1.GetOutcomesResponse;
import propensity.features.v1.OutcomeQuery;
import propensity.features.v1.OutcomeStatus;

/** GetOutcomes protobuf ↔ {@link io.propensity.feature.outcome.Outcomes}. */
final class OutcomeProtoMapper {
  private OutcomeProtoMapper() {}

  static OutcomeRequest toRequest(GetOutcomesRequest req) {
    Optional<Target> target =
        switch (req.getTarget()) {
          case TARGET_PURCHASE -> Optional.of(Target.PURCHASE);
          case TARGET_CHURN -> Optional.of(Target.CHURN);
          case TARGET_SESSION_CONVERSION -> Optional.of(Target.SESSION_CONVERSION);
          default -> Optional.empty();
        };
    Optional<Duration> horizon =
        req.hasHorizon()
            ? Optional.of(ClientTimes.duration(req.getHorizon(), "horizon"))
            : Optional.empty();
    List<OutcomeRequest.Query> queries = new ArrayList<>(req.getQueriesCount());
    for (int i = 0; i < req.getQueriesCount(); i++) {
      OutcomeQuery q = req.getQueries(i);
      Instant asOf =
          q.hasAsOf()
              ? ClientTimes.instant(q.getAsOf(), "queries[" + i + "].as_of")
              : Instant.EPOCH;
      queries.add(new OutcomeRequest.Query(q.getUserId(), asOf));
    }
    return new OutcomeRequest(target, horizon, queries);
  }

  static GetOutcomesResponse toResponse(OutcomeAnswer answer) {
    GetOutcomesResponse.Builder b = GetOutcomesResponse.newBuilder();
    for (OutcomeAnswer.Outcome o : answer.outcomes()) {
      b.addOutcomesBuilder()
          .setUserId(o.query().userId())
          .setAsOf(FeatureProtoMapper.timestamp(o.query().asOf()))
          .setStatus(
              switch (o.status()) {
                case POSITIVE -> OutcomeStatus.OUTCOME_STATUS_POSITIVE;
                case NEGATIVE -> OutcomeStatus.OUTCOME_STATUS_NEGATIVE;
                case NOT_FINAL -> OutcomeStatus.OUTCOME_STATUS_NOT_FINAL;
                case NOT_ELIGIBLE -> OutcomeStatus.OUTCOME_STATUS_NOT_ELIGIBLE;
              })
          .setFinalAt(FeatureProtoMapper.timestamp(o.finalAt()));
    }
    answer.observedUntil().ifPresent(t -> b.setObservedUntil(FeatureProtoMapper.timestamp(t)));
    return b.build();
  }
}
