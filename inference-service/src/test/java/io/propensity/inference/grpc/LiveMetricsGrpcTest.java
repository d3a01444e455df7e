package io.propensity.inference.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.engine.features.FeatureType;
import io.propensity.inference.outcomes.OutcomeStatus;
import io.propensity.inference.outcomes.OutcomeStore;
import io.propensity.inference.outcomes.jdbc.JdbcOutcomeStore;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.LoggedService;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.GetLiveMetricsRequest;
import propensity.inference.v1.GetLiveMetricsResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.LiveMetrics;

/**
 * GetLiveMetrics through real gRPC over planted outcomes: a production model whose served
 * probabilities predict a planted behaviour has a live AUC well above 0.5 inside its interval; a
 * challenger scoring at random on the same requests has an interval containing 0.5.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveMetricsGrpcTest implements TestPropertyProvider {
  static final Instant DAY1 =
      LocalDate.now(ZoneOffset.UTC).minusDays(10).atStartOfDay(ZoneOffset.UTC).toInstant();
  static final LoggedSchema SCHEMA =
      new LoggedSchema(
          "h", List.of(new LoggedSchema.Feature("x", Optional.of(FeatureType.NUMERIC), List.of())));

  FakeModelRegistry registry;
  FakeFeatureService features;
  Path dir;
  @Inject GrpcEmbeddedServer server;
  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    registry.promote("purchase-7d", registry.register("purchase-7d", TestModels.small(1)));
    dir = LoggedService.newLogDirectory("live-metrics");
    return LoggedService.properties(
        registry, features, dir, "propensity.inference.outcomes.enabled", "false");
  }

  @BeforeAll
  void plant() {
    channel = ServingChannels.openWhenServing(server.getPort(), 1);
    // the service has migrated the file; plant served answers and their outcomes in it
    try (JdbcPredictionLogStore log =
        JdbcPredictionLogStore.open(LoggedService.logUrl(dir), "", "")) {
      OutcomeStore outcomes = new JdbcOutcomeStore(log.dataSource());
      SplittableRandom rnd = new SplittableRandom(11);
      List<ServedPrediction> served = new ArrayList<>();
      List<OutcomeStore.Joined> joined = new ArrayList<>();
      for (int day = 0; day < 2; day++) {
        for (int i = 0; i < 300; i++) {
          Instant at = DAY1.plus(Duration.ofDays(day)).plusSeconds(60L * i);
          double propensity = rnd.nextDouble();
          boolean bought = rnd.nextDouble() < propensity; // the planted behaviour
          String request = "req-" + day + "-" + i;
          served.add(answer(request, at, "production", propensity));
          served.add(answer(request, at, "challenger", rnd.nextDouble()));
          for (String alias : List.of("production", "challenger")) {
            joined.add(
                new OutcomeStore.Joined(
                    new OutcomeStore.ServedKey(
                        request, 0, alias, 1, ChronoUnit.MICROS.between(Instant.EPOCH, at)),
                    "purchase-7d",
                    bought ? OutcomeStatus.POSITIVE : OutcomeStatus.NEGATIVE,
                    at.plus(Duration.ofDays(8))));
          }
        }
      }
      log.append(served);
      outcomes.upsert(joined);
    }
  }

  static ServedPrediction answer(String request, Instant at, String alias, double p) {
    return new ServedPrediction(
        request,
        0,
        at,
        ServedEndpoint.PREDICT,
        Optional.of("u-" + request),
        "purchase-7d",
        1,
        alias,
        SCHEMA,
        new double[] {p},
        p,
        p >= 0.5,
        0.5,
        false,
        List.of());
  }

  @AfterAll
  void close() throws Exception {
    ServingChannels.close(channel);
    registry.close();
    features.close();
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
  }

  @Test
  void aPredictiveModelBeatsChanceAndARandomOneDoesNot() {
    GetLiveMetricsResponse r =
        stub()
            .getLiveMetrics(GetLiveMetricsRequest.newBuilder().setModelName("purchase-7d").build());
    assertThat(r.getDailyCount()).as("2 days x 2 aliases").isEqualTo(4);
    assertThat(r.getOverallCount()).isEqualTo(2);
    LiveMetrics production =
        r.getOverallList().stream()
            .filter(m -> m.getModelAlias().equals("production"))
            .findFirst()
            .orElseThrow();
    LiveMetrics challenger =
        r.getOverallList().stream()
            .filter(m -> m.getModelAlias().equals("challenger"))
            .findFirst()
            .orElseThrow();
    assertThat(production.getCount()).isEqualTo(600);
    // a uniform propensity p with y ~ Bernoulli(p): true AUC 0.8333
    assertThat(production.getRocAuc()).isGreaterThan(0.75);
    assertThat(production.getRocAucInterval().getLow())
        .isGreaterThan(0.5)
        .isLessThan(production.getRocAuc());
    assertThat(production.getRocAucInterval().getHigh()).isGreaterThan(production.getRocAuc());
    assertThat(production.getEce()).as("calibrated by construction").isLessThan(0.1);
    assertThat(challenger.getRocAucInterval().getLow()).isLessThan(0.5);
    assertThat(challenger.getRocAucInterval().getHigh()).isGreaterThan(0.5);
    assertThat(r.getDaily(0).getDay().getSeconds()).isEqualTo(DAY1.getEpochSecond());

    GetLiveMetricsResponse onlyChallengerDay2 =
        stub()
            .getLiveMetrics(
                GetLiveMetricsRequest.newBuilder()
                    .setModelName("purchase-7d")
                    .setModelAlias("challenger")
                    .setStartDay(ts(DAY1.plus(Duration.ofDays(1))))
                    .setEndDay(ts(DAY1.plus(Duration.ofDays(1))))
                    .build());
    assertThat(onlyChallengerDay2.getDailyCount()).isEqualTo(1);
    assertThat(onlyChallengerDay2.getOverall(0).getCount()).isEqualTo(300);
  }

  @Test
  void badRequestsNameTheirFields() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getLiveMetrics(
                        GetLiveMetricsRequest.newBuilder()
                            .setModelVersion(-1)
                            .setStartDay(ts(DAY1))
                            .setEndDay(ts(DAY1.minus(Duration.ofDays(1))))
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(e)).containsExactly("model_name", "model_version", "end_day");

    e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getLiveMetrics(
                        GetLiveMetricsRequest.newBuilder()
                            .setModelName("purchase-7d")
                            .setStartDay(ts(DAY1.minus(Duration.ofDays(400))))
                            .setEndDay(ts(DAY1))
                            .build()));
    assertThat(fields(e)).containsExactly("start_day");
  }

  static List<String> fields(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(BadRequest.class))
        .flatMap(
            a -> {
              try {
                return a.unpack(BadRequest.class).getFieldViolationsList().stream();
              } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new AssertionError(x);
              }
            })
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }
}
