package io.propensity.inference.grpc;

import io.grpc.stub.StreamObserver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.grpc.annotation.GrpcService;
import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.NotFoundException;
import io.propensity.inference.challenge.PromotionDecision;
import io.propensity.inference.challenge.PromotionPolicy;
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
    PromotionPolicy p =
        policy.orElseThrow(
            () ->
                new FailedPreconditionException(
                    "the promotion policy is disabled on this replica"
                        + " (propensity.inference.promotion-policy.enabled=false)"));
    PromotionDecision d =
        p.latest(model)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "no promotion decision for model '" + model + "' on this replica yet"));
    out.onNext(ChallengerProtoMapper.toProto(d));
    out.onCompleted();
  }
}
