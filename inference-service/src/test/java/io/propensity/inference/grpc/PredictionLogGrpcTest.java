package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.event;
import static io.propensity.inference.testing.Protos.user;
import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.engine.features.FeatureCatalog;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import propensity.events.v1.EventType;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.ListServedPredictionsResponse;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.SegmentFilter;
import propensity.inference.v1.ServedEndpoint;
import propensity.inference.v1.ServedPrediction;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * Real Predict, PredictBatch, StreamPredict and RankTargets calls end up in the served-prediction
 * log (an SQLite file) with the version that scored and the values it scored, and read back through
 * ListServedPredictions.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PredictionLogGrpcTest implements TestPropertyProvider {
  static final String MODEL = TestModels.small(1);
  static final Instant NOW = Instant.now();
  static final List<String> CROWD = new ArrayList<>();

  FakeModelRegistry registry;
  FakeFeatureService features;
  Path dir;
  @Inject GrpcEmbeddedServer server;

  @Inject
  @Client("/")
  HttpClient http;

  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    features.fixClock(NOW);
    registry.promote("purchase-7d", registry.register("purchase-7d", MODEL));
    Random r = new Random(5);
    for (int i = 0; i < 8; i++) {
      String id = "logged-" + i;
      CROWD.add(id);
      features.add(TestModels.history(id, r, NOW.minusSeconds(60)));
    }
    dir = LoggedService.newLogDirectory("prediction-log");
    return LoggedService.properties(
        registry, features, dir, "propensity.inference.prediction-log.rank-targets-max-rows", "3");
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

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** The logged predictions of one request, once {@code n} are there. */
  List<ServedPrediction> logged(String requestId, int n) {
    List<ServedPrediction> out = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              out.clear();
              String token = "";
              do {
                ListServedPredictionsResponse page =
                    stub()
                        .listServedPredictions(
                            ListServedPredictionsRequest.newBuilder()
                                .setPageToken(token)
                                .setPageSize(50)
                                .build());
                page.getPredictionsList().stream()
                    .filter(p -> p.getRequestId().equals(requestId))
                    .forEach(out::add);
                token = page.getNextPageToken();
              } while (!token.isEmpty());
              return out.size() >= n;
            });
    return out;
  }

  @Test
  @Order(1)
  void aPredictIsLoggedWithTheValuesItScoredAndTheCallersRequestId() {
    double[] row = TestModels.rows(3).get(2);
    PredictResponse r =
        stub()
            .predict(
                PredictRequest.newBuilder()
                    .setInput(vector(row))
                    .setExplainTopK(2)
                    .setRequestId("checkout-42")
                    .build());

    assertThat(r.getRequestId()).isEqualTo("checkout-42");
    ServedPrediction p = logged("checkout-42", 1).get(0);
    assertThat(p.getEndpoint()).isEqualTo(ServedEndpoint.SERVED_ENDPOINT_PREDICT);
    assertThat(p.getRowIndex()).isZero();
    assertThat(p.getModelName()).isEqualTo("purchase-7d");
    assertThat(p.getModelVersion()).isEqualTo(1);
    assertThat(p.getModelAlias()).isEqualTo("production");
    assertThat(p.getFeatureSchemaHash()).isEqualTo(FeatureCatalog.schema().versionHash());
    assertThat(p.getFeatureValuesList())
        .containsExactlyElementsOf(Arrays.stream(row).boxed().toList());
    assertThat(p.getFeatureValuesSha256()).isEqualTo(JdbcPredictionLogStore.valuesSha256(row));
    assertThat(p.getProbability()).isEqualTo(r.getPrediction().getProbability());
    assertThat(p.getDecision()).isEqualTo(r.getPrediction().getLabel());
    assertThat(p.getThreshold()).isEqualTo(r.getPrediction().getThreshold());
    assertThat(p.getFactorsList())
        .extracting(f -> f.getFeature())
        .containsExactlyElementsOf(
            r.getPrediction().getFactorsList().stream().map(f -> f.getFeature()).toList());
    assertThat(p.getServedAt().getSeconds()).isCloseTo(Instant.now().getEpochSecond(), within(60));
  }

  private static org.assertj.core.data.Offset<Long> within(long n) {
    return org.assertj.core.data.Offset.offset(n);
  }

  @Test
  @Order(2)
  void aPredictWithoutRequestIdGetsAGeneratedOneAndIsLoggedByUser() {
    PredictResponse r =
        stub().predict(PredictRequest.newBuilder().setInput(user("logged-1")).build());

    assertThat(r.getRequestId()).matches("[0-9a-f-]{36}");
    ServedPrediction p = logged(r.getRequestId(), 1).get(0);
    assertThat(p.getUserId()).isEqualTo("logged-1");
    assertThat(p.getFeatureValuesCount()).isEqualTo(FeatureCatalog.schema().size());
    assertThat(p.getProbability()).isEqualTo(r.getPrediction().getProbability());
    ListServedPredictionsResponse schemas =
        stub()
            .listServedPredictions(
                ListServedPredictionsRequest.newBuilder().setUserId("logged-1").build());
    assertThat(schemas.getSchemasList()).hasSize(1);
    assertThat(schemas.getSchemas(0).getFeaturesList())
        .extracting(f -> f.getName())
        .containsExactlyElementsOf(FeatureCatalog.schema().names());
    assertThat(schemas.getSchemas(0).getFeatures(0).getType())
        .isEqualTo(InferenceProtoMapper.toProto(FeatureCatalog.schema().features().get(0).type()));
  }

  @Test
  @Order(3)
  void aBatchLogsItsScoredRowsByIndexAndNotItsFailedOnes() {
    double[] row = TestModels.rows(2).get(1);
    PredictBatchResponse r =
        stub()
            .predictBatch(
                PredictBatchRequest.newBuilder()
                    .setRequestId("batch-1")
                    .addInputs(user("logged-2"))
                    .addInputs(vector(new double[3]))
                    .addInputs(vector(row))
                    .build());

    assertThat(r.getRequestId()).isEqualTo("batch-1");
    assertThat(r.getResults(1).hasError()).isTrue();
    List<ServedPrediction> rows = logged("batch-1", 2);
    assertThat(rows).extracting(ServedPrediction::getRowIndex).containsExactlyInAnyOrder(0, 2);
    ServedPrediction vectorRow =
        rows.stream().filter(p -> p.getRowIndex() == 2).findFirst().orElseThrow();
    assertThat(vectorRow.getEndpoint()).isEqualTo(ServedEndpoint.SERVED_ENDPOINT_PREDICT_BATCH);
    assertThat(vectorRow.getFeatureValuesList())
        .containsExactlyElementsOf(Arrays.stream(row).boxed().toList());
    assertThat(vectorRow.getProbability())
        .isEqualTo(r.getResults(2).getPrediction().getProbability());
  }

  @Test
  @Order(4)
  void aRankingLogsItsBestTargetsUpToTheConfiguredRows() {
    List<RankTargetsResponse> all = new ArrayList<>();
    stub()
        .rankTargets(
            RankTargetsRequest.newBuilder()
                .setRequestId("campaign-7")
                .setSegment(SegmentFilter.newBuilder().addAllUserIds(CROWD))
                .setTopK(5)
                .setExplainTopK(2)
                .build())
        .forEachRemaining(all::add);

    assertThat(all.get(all.size() - 1).getSummary().getRequestId()).isEqualTo("campaign-7");
    List<ServedPrediction> rows = logged("campaign-7", 3);
    assertThat(rows).hasSize(3);
    for (int i = 0; i < 3; i++) {
      ServedPrediction p = rows.get(i);
      assertThat(p.getRowIndex()).isEqualTo(i);
      assertThat(p.getEndpoint()).isEqualTo(ServedEndpoint.SERVED_ENDPOINT_RANK_TARGETS);
      assertThat(p.getUserId()).isEqualTo(all.get(i).getTarget().getUserId());
      assertThat(p.getProbability()).isEqualTo(all.get(i).getTarget().getProbability());
      assertThat(p.getModelVersion()).isEqualTo(1);
      assertThat(p.getFeatureValuesCount()).as("no values for rankings").isZero();
      assertThat(p.getFactorsCount()).isEqualTo(all.get(i).getTarget().getFactorsCount());
    }
  }

  @Test
  @Order(5)
  void aStreamLogsEveryPredictedEventUnderItsRequestId() throws Exception {
    List<StreamPredictResponse> got = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<StreamPredictRequest> in =
        InferenceServiceGrpc.newStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .streamPredict(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamPredictResponse value) {
                    got.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    in.onNext(
        StreamPredictRequest.newBuilder()
            .setRequestId("stream-3")
            .addEvents(event("s-1", "live-log", NOW, EventType.EVENT_TYPE_PAGE_VIEW))
            .addEvents(
                event("s-2", "live-log", NOW.plusSeconds(1), EventType.EVENT_TYPE_ADD_TO_CART))
            .build());
    in.onCompleted();
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();

    assertThat(got).hasSize(2).allSatisfy(a -> assertThat(a.getRequestId()).isEqualTo("stream-3"));
    List<ServedPrediction> rows = logged("stream-3", 2);
    assertThat(rows).extracting(ServedPrediction::getRowIndex).containsExactly(0, 1);
    assertThat(rows)
        .allSatisfy(
            p -> {
              assertThat(p.getEndpoint()).isEqualTo(ServedEndpoint.SERVED_ENDPOINT_STREAM_PREDICT);
              assertThat(p.getUserId()).isEqualTo("live-log");
            });
    assertThat(rows.get(1).getProbability()).isEqualTo(got.get(1).getPrediction().getProbability());
  }

  @Test
  @Order(6)
  void aNewProductionVersionIsLoggedUnderItsOwnVersion() {
    long v2 = registry.register("purchase-7d", TestModels.small(3));
    registry.promote("purchase-7d", v2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                stub()
                        .getModelInfo(GetModelInfoRequest.getDefaultInstance())
                        .getModels(0)
                        .getVersion()
                    == v2);
    double[] row = TestModels.rows(1).get(0);

    PredictResponse r =
        stub()
            .predict(
                PredictRequest.newBuilder().setInput(vector(row)).setRequestId("after-v2").build());

    assertThat(logged("after-v2", 1).get(0).getModelVersion()).isEqualTo(v2);
    ListServedPredictionsResponse onlyV1 =
        stub()
            .listServedPredictions(
                ListServedPredictionsRequest.newBuilder()
                    .setModelName("purchase-7d")
                    .setModelVersion(1)
                    .setPageSize(10_000)
                    .build());
    assertThat(onlyV1.getPredictionsList())
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1));
    assertThat(r.getPrediction().getModelVersion()).isEqualTo(v2);
  }

  @Test
  @Order(7)
  void badListingsAreInvalidArgumentAndMetricsAreExposed() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .listServedPredictions(
                        ListServedPredictionsRequest.newBuilder().setPageToken("xyz").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    StatusRuntimeException tooBig =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .listServedPredictions(
                        ListServedPredictionsRequest.newBuilder().setPageSize(10_001).build()));
    assertThat(tooBig.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    StatusRuntimeException badId =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .predict(
                        PredictRequest.newBuilder()
                            .setInput(user("logged-1"))
                            .setRequestId("has space")
                            .build()));
    assertThat(badId.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    String body = http.toBlocking().retrieve("/prometheus");
    assertThat(body)
        .contains("propensity_prediction_log_dropped_total{reason=\"queue_full\"} 0.0")
        .contains("propensity_prediction_log_written_total")
        .contains("propensity_prediction_log_queued")
        .contains("propensity_prediction_log_write_seconds");
  }
}
