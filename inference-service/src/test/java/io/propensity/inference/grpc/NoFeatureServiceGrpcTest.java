package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.event;
import static io.propensity.inference.testing.Protos.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.events.v1.EventType;
import propensity.inference.v1.HistorySeed;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * Without a feature service (feature-service.enabled=false), streams start users empty, and by-user
 * scoring and ranking without ids use this replica's live stream state.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoFeatureServiceGrpcTest implements TestPropertyProvider {
  FakeModelRegistry registry;
  @Inject GrpcEmbeddedServer server;
  @Inject ServedModels served;
  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    registry.promote("purchase-7d", registry.register("purchase-7d", TestModels.small(43)));
    return Map.of(
        "propensity.inference.registry.target", registry.target(),
        "propensity.inference.feature-service.enabled", "false",
        "propensity.inference.scorers-per-model", "1");
  }

  @BeforeAll
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    await().atMost(Duration.ofSeconds(30)).until(served::defaultServed);
  }

  @AfterAll
  void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    registry.close();
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void streamUsersStartEmptyAndAreWhatByUserScoringAndRankingSee() throws Exception {
    // An hour ahead of now: features as of the newest event are then also the features as of "now".
    Instant t = Instant.now().plus(Duration.ofHours(1));
    List<StreamPredictResponse> answers = new ArrayList<>();
    LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<StreamPredictRequest> requests =
        InferenceServiceGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .streamPredict(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamPredictResponse value) {
                    q.add(value);
                  }

                  @Override
                  public void onError(Throwable e) {
                    q.add(e);
                  }

                  @Override
                  public void onCompleted() {
                    q.add("done");
                  }
                });
    requests.onNext(
        StreamPredictRequest.newBuilder()
            .addEvents(event("nf-1", "nf-a", t, EventType.EVENT_TYPE_PAGE_VIEW))
            .addEvents(event("nf-2", "nf-b", t, EventType.EVENT_TYPE_ADD_TO_CART))
            .addEvents(
                event("nf-3", "nf-b", t.plusSeconds(30), EventType.EVENT_TYPE_BEGIN_CHECKOUT))
            .build());
    requests.onCompleted();
    for (int i = 0; i < 3; i++) {
      Object o = q.poll(10, TimeUnit.SECONDS);
      assertThat(o).isInstanceOf(StreamPredictResponse.class);
      answers.add((StreamPredictResponse) o);
    }
    assertThat(q.poll(10, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(answers)
        .extracting(StreamPredictResponse::getHistorySeed)
        .containsOnly(HistorySeed.HISTORY_SEED_UNAVAILABLE);

    Prediction b =
        stub().predict(PredictRequest.newBuilder().setInput(user("nf-b")).build()).getPrediction();
    Prediction stranger =
        stub()
            .predict(PredictRequest.newBuilder().setInput(user("nf-never")).build())
            .getPrediction();
    assertThat(b.getProbability()).isEqualTo(answers.get(2).getPrediction().getProbability());
    assertThat(b.getColdStart()).isFalse();
    assertThat(stranger.getColdStart()).isTrue();

    List<RankTargetsResponse> ranked = new ArrayList<>();
    stub()
        .rankTargets(RankTargetsRequest.newBuilder().setTopK(10).build())
        .forEachRemaining(ranked::add);
    assertThat(ranked.get(ranked.size() - 1).getSummary().getScoredCount()).isEqualTo(2);
    assertThat(ranked.subList(0, 2))
        .extracting(r -> r.getTarget().getUserId() + "=" + r.getTarget().getProbability())
        .containsExactlyInAnyOrder(
            "nf-a=" + answers.get(0).getPrediction().getProbability(),
            "nf-b=" + answers.get(2).getPrediction().getProbability());
  }
}
