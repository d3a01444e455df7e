package io.propensity.inference.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.challenge.PromotionPolicy;
import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.ListLabeledPredictions;
import io.propensity.inference.testing.LoggedService;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.ChallengerServiceGrpc;
import propensity.inference.v1.GetChallengerReportRequest;
import propensity.inference.v1.GetChallengerReportResponse;
import propensity.inference.v1.PromotionDecision;
import propensity.inference.v1.PromotionDecisionKind;

/**
 * The promotion policy wired in the service: it reads the aliases from the registry over gRPC,
 * promotes with a guarded SetAlias, and GetChallengerReport serves what it decided.
 */
@MicronautTest(environments = {"test", "labeled-list"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChallengerReportGrpcTest implements TestPropertyProvider {
  static final String NAME = "purchase-7d";
  FakeModelRegistry registry;
  FakeFeatureService features;
  ManagedChannel channel;
  @Inject GrpcEmbeddedServer server;
  @Inject PromotionPolicy policy;
  @Inject ListLabeledPredictions outcomes;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    registry.promote(NAME, registry.register(NAME, TestModels.small(11)));
    registry.setAlias(NAME, "challenger", registry.register(NAME, TestModels.small(12)));
    // the served-prediction log on (its own SQLite file): decisions go to its shared history
    return LoggedService.properties(
        registry,
        features,
        LoggedService.newLogDirectory("challenger-report"),
        "propensity.inference.outcomes.enabled",
        "false",
        "propensity.inference.promotion-policy.enabled",
        "true",
        "propensity.inference.promotion-policy.interval",
        "1h",
        "propensity.inference.promotion-policy.min-paired-outcomes",
        "100",
        "propensity.inference.promotion-policy.min-positives",
        "10",
        "propensity.inference.promotion-policy.bootstrap-resamples",
        "100",
        "propensity.inference.promotion-policy.replica-id",
        "replica-test");
  }

  @BeforeAll
  void connect() {
    channel = ServingChannels.openWhenServing(server.getPort(), 1);
  }

  @AfterAll
  void close() throws Exception {
    ServingChannels.close(channel);
    registry.close();
    features.close();
  }

  ChallengerServiceGrpc.ChallengerServiceBlockingStub stub() {
    return ChallengerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void promotesAChallengerThatWinsAndReportsWhy() {
    Random r = new Random(3);
    Instant t = Instant.now().minusSeconds(3600);
    for (int i = 0; i < 300; i++) {
      boolean positive = r.nextDouble() < 0.3;
      double y = positive ? 1 : 0;
      double prod = 1 / (1 + Math.exp(-(0.3 * y + r.nextGaussian())));
      double chal = 1 / (1 + Math.exp(-(2.0 * y + r.nextGaussian())));
      outcomes.add(answer("req-" + i, t.plusSeconds(i), "production", 1, prod, positive));
      outcomes.add(answer("req-" + i, t.plusSeconds(i), "challenger", 2, chal, positive));
    }

    policy.decide(NAME);
    GetChallengerReportResponse report =
        stub()
            .getChallengerReport(
                GetChallengerReportRequest.newBuilder().setModelName(NAME).build());

    assertThat(report.getDecision().getKind())
        .isEqualTo(PromotionDecisionKind.PROMOTION_DECISION_KIND_PROMOTE);
    assertThat(report.getDecision().getResultingProductionVersion()).isEqualTo(2);
    assertThat(report.getPromotion().getPairs()).isEqualTo(300);
    assertThat(report.getPromotion().getRocAucDifferenceLower()).isGreaterThan(0);
    assertThat(report.getPromotion().getB().getAlias()).isEqualTo("challenger");
    assertThat(registry.alias(NAME, "production")).isEqualTo(2);
    assertThat(registry.alias(NAME, "previous")).isEqualTo(1);

    // the registry moved; deciding again does nothing more
    policy.decide(NAME);
    assertThat(
            stub()
                .getChallengerReport(
                    GetChallengerReportRequest.newBuilder().setModelName(NAME).build())
                .getDecision()
                .getKind())
        .isEqualTo(PromotionDecisionKind.PROMOTION_DECISION_KIND_HOLD);

    // both decisions are in the history the log's database keeps, newest first
    GetChallengerReportResponse withHistory =
        stub()
            .getChallengerReport(
                GetChallengerReportRequest.newBuilder()
                    .setModelName(NAME)
                    .setHistoryLimit(10)
                    .build());
    assertThat(policy.shared()).isTrue();
    assertThat(withHistory.getHistoryList())
        .extracting(PromotionDecision::getKind)
        .containsExactly(
            PromotionDecisionKind.PROMOTION_DECISION_KIND_HOLD,
            PromotionDecisionKind.PROMOTION_DECISION_KIND_PROMOTE);
    PromotionDecision promoted = withHistory.getHistory(1);
    assertThat(promoted.getDecidedBy()).isEqualTo("replica-test");
    assertThat(promoted.getMetric()).isEqualTo("roc_auc");
    assertThat(promoted.getHasDifference()).isTrue();
    assertThat(promoted.getDifferenceLower())
        .isEqualTo(report.getPromotion().getRocAucDifferenceLower());
    assertThat(withHistory.getDecision()).isEqualTo(withHistory.getHistory(0));
  }

  @Test
  void aHistoryLimitOutOfRangeIsInvalid() {
    StatusRuntimeException e =
        catchThrowableOfType(
            () ->
                stub()
                    .getChallengerReport(
                        GetChallengerReportRequest.newBuilder()
                            .setModelName(NAME)
                            .setHistoryLimit(1001)
                            .build()),
            StatusRuntimeException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("history_limit");
  }

  @Test
  void anUnknownModelIsNotFoundAndAnEmptyNameIsInvalid() {
    StatusRuntimeException unknown =
        catchThrowableOfType(
            () ->
                stub()
                    .getChallengerReport(
                        GetChallengerReportRequest.newBuilder().setModelName("nope").build()),
            StatusRuntimeException.class);
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    StatusRuntimeException empty =
        catchThrowableOfType(
            () -> stub().getChallengerReport(GetChallengerReportRequest.getDefaultInstance()),
            StatusRuntimeException.class);
    assertThat(empty.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusProto.fromThrowable(empty).getDetailsList())
        .anySatisfy(
            d -> {
              try {
                assertThat(d.unpack(BadRequest.class).getFieldViolations(0).getField())
                    .isEqualTo("model_name");
              } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
              }
            });
  }

  private static LabeledPrediction answer(
      String request, Instant at, String alias, long version, double p, boolean positive) {
    return new LabeledPrediction(
        new ServedPrediction(
            request,
            0,
            at,
            ServedEndpoint.PREDICT,
            Optional.of("u-" + request),
            NAME,
            version,
            alias,
            new LoggedSchema("h", List.of()),
            new double[0],
            p,
            p >= 0.5,
            0.5,
            false,
            List.of()),
        positive,
        at);
  }
}
