package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.event;
import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.LoggedService;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.ListServedPredictionsResponse;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.ServedEndpoint;
import propensity.inference.v1.ServedPrediction;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * A challenger version (two real LightGBM models that disagree) scores every logged answer in the
 * shadow of production: its answers reach the served-prediction log under the same request id and
 * row, with alias {@code challenger}, and never a caller; it follows its alias, and a corrupt
 * challenger is refused while production keeps serving.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShadowGrpcTest implements TestPropertyProvider {
  static final String NAME = "purchase-7d";
  static final String PRODUCTION = TestModels.small(1);
  static final String CHALLENGER = TestModels.small(2);
  static final String NEXT_CHALLENGER = TestModels.small(3);

  FakeModelRegistry registry;
  FakeFeatureService features;
  long productionVersion;
  long challengerVersion;
  Path dir;
  @Inject GrpcEmbeddedServer server;
  @Inject MeterRegistry meters;

  @Inject
  @Client("/")
  HttpClient http;

  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    productionVersion = registry.register(NAME, PRODUCTION);
    registry.promote(NAME, productionVersion);
    challengerVersion = registry.register(NAME, CHALLENGER);
    registry.setAlias(NAME, "challenger", challengerVersion);
    dir = LoggedService.newLogDirectory("shadow");
    return LoggedService.properties(
        registry, features, dir, "propensity.inference.shadow.enabled", "true");
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

  /** Every logged prediction of one alias (all when empty). */
  List<ServedPrediction> listed(String alias) {
    List<ServedPrediction> out = new ArrayList<>();
    String token = "";
    do {
      ListServedPredictionsResponse page =
          stub()
              .listServedPredictions(
                  ListServedPredictionsRequest.newBuilder()
                      .setModelAlias(alias)
                      .setPageToken(token)
                      .setPageSize(100)
                      .build());
      out.addAll(page.getPredictionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  /** The logged predictions of one request, once {@code n} are there. */
  List<ServedPrediction> logged(String requestId, int n) {
    List<ServedPrediction> out = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              out.clear();
              listed("").stream().filter(p -> p.getRequestId().equals(requestId)).forEach(out::add);
              return out.size() >= n;
            });
    return out;
  }

  static ServedPrediction of(List<ServedPrediction> ps, String alias, int row) {
    return ps.stream()
        .filter(p -> p.getModelAlias().equals(alias) && p.getRowIndex() == row)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + alias + " row " + row + " in " + ps));
  }

  void awaitShadowServing(long version) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              String id = "probe-" + System.nanoTime();
              stub()
                  .predict(
                      PredictRequest.newBuilder()
                          .setInput(vector(TestModels.rows(1).get(0)))
                          .setRequestId(id)
                          .build());
              return logged(id, 2).stream()
                  .anyMatch(
                      p ->
                          p.getModelAlias().equals("challenger") && p.getModelVersion() == version);
            });
  }

  @Test
  @Order(1)
  void theChallengersAnswerIsLoggedUnderTheSameRequestAndRowAndNeverReturned() {
    awaitShadowServing(challengerVersion);
    double[] row = TestModels.rows(4).get(3);
    PredictResponse r =
        stub()
            .predict(
                PredictRequest.newBuilder()
                    .setInput(vector(row))
                    .setExplainTopK(2)
                    .setRequestId("shadowed-1")
                    .build());

    double production = TestModels.reference(PRODUCTION, row);
    double challenger = TestModels.reference(CHALLENGER, row);
    assertThat(Math.abs(production - challenger)).isGreaterThan(1e-6);
    assertThat(r.getPrediction().getModelVersion()).isEqualTo(productionVersion);
    assertThat(r.getPrediction().getProbability()).isCloseTo(production, within(1e-6));

    List<ServedPrediction> ps = logged("shadowed-1", 2);
    assertThat(ps).hasSize(2);
    ServedPrediction served = of(ps, "production", 0);
    ServedPrediction shadow = of(ps, "challenger", 0);
    assertThat(served.getModelVersion()).isEqualTo(productionVersion);
    assertThat(shadow.getModelVersion()).isEqualTo(challengerVersion);
    assertThat(shadow.getModelName()).isEqualTo(NAME);
    assertThat(shadow.getEndpoint()).isEqualTo(ServedEndpoint.SERVED_ENDPOINT_PREDICT);
    assertThat(shadow.getProbability()).isCloseTo(challenger, within(1e-6));
    assertThat(shadow.getFeatureValuesList())
        .containsExactlyElementsOf(Arrays.stream(row).boxed().toList());
    assertThat(shadow.getFactorsList()).isEmpty();
  }

  @Test
  @Order(2)
  void aBatchsShadowAnswersKeepTheirRowIndices() {
    List<double[]> rows = TestModels.rows(3);
    PredictBatchResponse r =
        stub()
            .predictBatch(
                PredictBatchRequest.newBuilder()
                    .setRequestId("shadowed-batch")
                    .addInputs(vector(rows.get(0)))
                    .addInputs(vector(rows.get(1)))
                    .addInputs(vector(rows.get(2)))
                    .build());
    assertThat(r.getResultsList()).hasSize(3);
    assertThat(r.getResultsList())
        .allSatisfy(
            x -> assertThat(x.getPrediction().getModelVersion()).isEqualTo(productionVersion));

    List<ServedPrediction> ps = logged("shadowed-batch", 6);
    for (int i = 0; i < 3; i++) {
      ServedPrediction shadow = of(ps, "challenger", i);
      assertThat(shadow.getEndpoint()).isEqualTo(ServedEndpoint.SERVED_ENDPOINT_PREDICT_BATCH);
      assertThat(shadow.getProbability())
          .isCloseTo(TestModels.reference(CHALLENGER, rows.get(i)), within(1e-6));
      assertThat(of(ps, "production", i).getProbability())
          .isEqualTo(r.getResults(i).getPrediction().getProbability());
    }
  }

  @Test
  @Order(2)
  void aStreamsShadowAnswersFollowTheStreamsEventIndex() throws Exception {
    List<StreamPredictResponse> got = new java.util.concurrent.CopyOnWriteArrayList<>();
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
    Instant now = Instant.now().minusSeconds(5);
    in.onNext(
        StreamPredictRequest.newBuilder()
            .setRequestId("shadowed-stream")
            .addEvents(event("ss-1", "live-shadow", now, EventType.EVENT_TYPE_PAGE_VIEW))
            .addEvents(
                event("ss-2", "live-shadow", now.plusSeconds(1), EventType.EVENT_TYPE_ADD_TO_CART))
            .build());
    in.onCompleted();
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(got).hasSize(2);
    assertThat(got)
        .allSatisfy(
            a -> assertThat(a.getPrediction().getModelVersion()).isEqualTo(productionVersion));

    List<ServedPrediction> ps = logged("shadowed-stream", 4);
    for (int i = 0; i < 2; i++) {
      ServedPrediction served = of(ps, "production", i);
      ServedPrediction shadow = of(ps, "challenger", i);
      assertThat(shadow.getEndpoint()).isEqualTo(ServedEndpoint.SERVED_ENDPOINT_STREAM_PREDICT);
      assertThat(shadow.getUserId()).isEqualTo("live-shadow");
      assertThat(shadow.getModelVersion()).isEqualTo(challengerVersion);
      assertThat(shadow.getFeatureValuesList()).isEqualTo(served.getFeatureValuesList());
      double[] values =
          served.getFeatureValuesList().stream().mapToDouble(Double::doubleValue).toArray();
      assertThat(shadow.getProbability())
          .isCloseTo(TestModels.reference(CHALLENGER, values), within(1e-6));
      assertThat(served.getProbability()).isEqualTo(got.get(i).getPrediction().getProbability());
    }
  }

  @Test
  @Order(3)
  void listingsFilterByAlias() {
    List<ServedPrediction> shadows = listed("challenger");
    List<ServedPrediction> production = listed("production");
    assertThat(shadows).isNotEmpty().allMatch(p -> p.getModelAlias().equals("challenger"));
    assertThat(production).isNotEmpty().allMatch(p -> p.getModelAlias().equals("production"));
    assertThat(shadows.size() + production.size()).isEqualTo(listed("").size());
  }

  @Test
  @Order(4)
  void aCorruptChallengerIsRefusedWhileProductionAndTheOldChallengerKeepServing() {
    double before = refusals();
    byte[] corrupt =
        "tree\nversion=v4\nnum_class=1\nnot a model at all\n".getBytes(StandardCharsets.UTF_8);
    long bad = registry.register(FakeModelRegistry.meta(NAME, CHALLENGER, 0.5, 0), corrupt, null);
    registry.setAlias(NAME, "challenger", bad);
    await().atMost(Duration.ofSeconds(15)).until(() -> refusals() > before);

    double[] row = TestModels.rows(2).get(1);
    PredictResponse r =
        stub()
            .predict(
                PredictRequest.newBuilder()
                    .setInput(vector(row))
                    .setRequestId("after-corrupt")
                    .build());
    assertThat(r.getPrediction().getModelVersion()).isEqualTo(productionVersion);
    ServedPrediction shadow = of(logged("after-corrupt", 2), "challenger", 0);
    assertThat(shadow.getModelVersion()).isEqualTo(challengerVersion);
  }

  @Test
  @Order(5)
  void theShadowFollowsItsAliasToANewVersion() {
    long next = registry.register(NAME, NEXT_CHALLENGER);
    registry.setAlias(NAME, "challenger", next);
    awaitShadowServing(next);
    double[] row = TestModels.rows(5).get(4);
    stub().predict(PredictRequest.newBuilder().setInput(vector(row)).setRequestId("moved").build());
    ServedPrediction shadow = of(logged("moved", 2), "challenger", 0);
    assertThat(shadow.getModelVersion()).isEqualTo(next);
    assertThat(shadow.getProbability())
        .isCloseTo(TestModels.reference(NEXT_CHALLENGER, row), within(1e-6));

    String body = http.toBlocking().retrieve("/prometheus");
    assertThat(body)
        .contains("propensity_shadow_scored_total")
        .contains("propensity_shadow_dropped_total{reason=\"queue_full\"} 0.0")
        .contains("propensity_shadow_latency_seconds");
  }

  double refusals() {
    return meters.find("propensity.shadow.reloads").tag("outcome", "refused").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
