package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.event;
import static io.propensity.inference.testing.Protos.retryInfo;
import static io.propensity.inference.testing.Protos.user;
import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.StreamCalls;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.events.v1.EventType;
import propensity.inference.v1.HistorySeed;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.SegmentFilter;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * With the feature service down, by-user calls fail fast with UNAVAILABLE; inline calls keep
 * working.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeatureServiceDownGrpcTest implements TestPropertyProvider {
  FakeModelRegistry registry;
  @Inject GrpcEmbeddedServer server;
  @Inject ServedModels served;

  @Inject
  @Client("/")
  HttpClient http;

  ManagedChannel channel;
  InferenceServiceGrpc.InferenceServiceBlockingStub stub;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    registry.promote("purchase-7d", registry.register("purchase-7d", TestModels.small(41)));
    return Map.of(
        "propensity.inference.registry.target",
        registry.target(),
        // nothing listens there
        "propensity.inference.feature-service.target",
        "127.0.0.1:" + ServiceProcess.freePort(),
        "propensity.inference.scorers-per-model",
        "1");
  }

  @BeforeAll
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    stub = InferenceServiceGrpc.newBlockingStub(channel);
    await().atMost(Duration.ofSeconds(30)).until(served::defaultServed);
  }

  @AfterAll
  void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    registry.close();
  }

  @Test
  void byUserFailsFastWithUnavailableAndARetryHint() {
    for (int attempt = 0; attempt < 3; attempt++) {
      long started = System.nanoTime();
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                      .predict(PredictRequest.newBuilder().setInput(user("u1")).build()));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription()).contains("feature service").contains("inline");
      assertThat(retryInfo(e))
          .hasValueSatisfying(r -> assertThat(r.getRetryDelay().getSeconds()).isEqualTo(1));
      // fast: far from the 10 s deadline (a loaded machine can still take a second or two)
      assertThat(took).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void inlineVectorsKeepWorkingAndABatchFailsOnlyItsByUserRows() {
    double[] row = TestModels.rows(1).get(0);
    assertThat(
            stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                .predict(PredictRequest.newBuilder().setInput(vector(row)).build())
                .getPrediction()
                .getModelVersion())
        .isEqualTo(1);

    PredictBatchResponse r =
        stub.withDeadlineAfter(5, TimeUnit.SECONDS)
            .predictBatch(
                PredictBatchRequest.newBuilder()
                    .addInputs(user("u1"))
                    .addInputs(vector(row))
                    .build());
    assertThat(r.getResults(0).getError().getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
    assertThat(r.getResults(1).hasPrediction()).isTrue();
  }

  @Test
  void streamPredictStillAnswersFromAnEmptyStateAndSaysTheHistoryWasUnavailable() throws Exception {
    java.time.Instant t = java.time.Instant.now().minusSeconds(60);
    List<StreamPredictResponse> got =
        StreamCalls.sendAndCollect(
            channel,
            StreamPredictRequest.newBuilder()
                .addEvents(event("down-1", "down-u", t, EventType.EVENT_TYPE_PAGE_VIEW))
                .addEvents(event("down-2", "down-v", t, EventType.EVENT_TYPE_ADD_TO_CART))
                .addEvents(
                    event("down-3", "down-u", t.plusSeconds(5), EventType.EVENT_TYPE_PRODUCT_VIEW))
                .build(),
            Duration.ofSeconds(10));

    assertThat(got)
        .allSatisfy(
            r -> {
              assertThat(r.hasPrediction()).isTrue();
              assertThat(r.getHistorySeed()).isEqualTo(HistorySeed.HISTORY_SEED_UNAVAILABLE);
              assertThat(r.getHistoryEventCount()).isZero();
            });
    double emptyStart =
        stub.withDeadlineAfter(5, TimeUnit.SECONDS)
            .predict(
                PredictRequest.newBuilder()
                    .setInput(
                        propensity.inference.v1.PredictionInput.newBuilder()
                            .setEvents(
                                propensity.inference.v1.InlineEvents.newBuilder()
                                    .addEvents(
                                        event(
                                            "down-1", "down-u", t, EventType.EVENT_TYPE_PAGE_VIEW))
                                    .addEvents(
                                        event(
                                            "down-3",
                                            "down-u",
                                            t.plusSeconds(5),
                                            EventType.EVENT_TYPE_PRODUCT_VIEW))
                                    .setAsOf(
                                        io.propensity.inference.testing.Protos.ts(
                                            t.plusSeconds(5)))))
                    .build())
            .getPrediction()
            .getProbability();
    assertThat(got.get(2).getPrediction().getProbability()).isEqualTo(emptyStart);
    String metrics = prometheus();
    assertThat(metrics)
        .containsPattern(
            "propensity_inference_stream_seeds_total\\{outcome=\"unavailable\"[^}]*} [1-9]");
  }

  @Test
  void rankingEveryUserFailsWithUnavailable() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                    .rankTargets(RankTargetsRequest.newBuilder().setTopK(5).build())
                    .forEachRemaining(x -> {}));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).contains("ListUsers");
  }

  String prometheus() throws Exception {
    return http.toBlocking().retrieve("/prometheus");
  }

  @Test
  void rankingFailsWithUnavailable() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                    .rankTargets(
                        RankTargetsRequest.newBuilder()
                            .setSegment(SegmentFilter.newBuilder().addUserIds("u1"))
                            .setTopK(5)
                            .build())
                    .forEachRemaining(x -> {}));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
