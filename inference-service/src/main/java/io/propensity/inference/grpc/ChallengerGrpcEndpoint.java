package io.propensity.inference.grpc;

import io.grpc.stub.StreamObserver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.grpc.annotation.GrpcService;
import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.NotFoundException;
import io.propensity.inference.challenge.DecisionHistory;
import io.propensity.inference.challenge.PromotionDecision;
import io.propensity.inference.challenge.PromotionPolicy;
import java.util.List;
import java.util.Optional;
import propensity.inference.v1.ChallengerServiceGrpc;
import propensity.inference.v1.GetChallengerReportRequest;
import propensity.inference.v1.GetChallengerReportResponse;

/** Serves the promotion policy's latest decision per model. */
@GrpcService
final class ChallengerGrpcEndpoint extends ChallengerServiceGrpc.ChallengerServiceImplBase {
  private final Optional<PromotionPolicy> policy;

  ChallengerGrpcEndpoint(@Nullable PromotionPolicy policy) {
    this.policy = Optional.ofNullable(policy);
  }

  @Override
  public void getChallengerReport(
      GetChallengerReportRequest req, StreamObserver<GetChallengerReportResponse> out) {
    String model = ChallengerProtoMapper.modelName(req);
    int historyLimit = ChallengerProtoMapper.historyLimit(req);
    PromotionPolicy p =
        policy.orElseThrow(
            () ->
                new FailedPreconditionException(
                    "the promotion policy is disabled on this replica"
                        + " (propensity.inference.promotion-policy.enabled=false)"));
    List<DecisionHistory.RecordedDecision> recent = p.history(model, Math.max(1, historyLimit));
    if (recent.isEmpty()) {
      throw new NotFoundException(
          "no promotion decision for model '"
              + model
              + "' "
              + (p.shared() ? "in the shared history" : "on this replica")
              + " yet");
    }
    PromotionDecision d = recent.get(0).decision();
    GetChallengerReportResponse.Builder b = ChallengerProtoMapper.toProto(d).toBuilder();
    b.setDecision(ChallengerProtoMapper.toProto(recent.get(0)));
    for (DecisionHistory.RecordedDecision r :
        recent.subList(0, Math.min(historyLimit, recent.size()))) {
      b.addHistory(ChallengerProtoMapper.toProto(r));
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
