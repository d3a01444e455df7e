package io.propensity.inference.grpc;

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
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.SegmentFilter;

/** With the feature service down, by-user calls fail fast with UNAVAILABLE; inline calls keep working. */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeatureServiceDownGrpcTest implements TestPropertyProvider {
  FakeModelRegistry registry;
  @Inject GrpcEmbeddedServer server;
  @Inject ServedModels served;
  ManagedChannel channel;
  InferenceServiceGrpc.InferenceServiceBlockingStub stub;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    registry.promote("purchase-7d", registry.register("purchase-7d", TestModels.small(41)));
    return Map.of(
        "propensity.inference.registry.target", registry.target(),
        // nothing listens there
        "propensity.inference.feature-service.target", "127.0.0.1:" + ServiceProcess.freePort(),
        "propensity.inference.scorers-per-model", "1");
  }

  @BeforeAll
  void connect() {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
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
      assertThat(retryInfo(e)).hasValueSatisfying(r -> assertThat(r.getRetryDelay().getSeconds()).isEqualTo(1));
      assertThat(took).isLessThan(Duration.ofSeconds(1));
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
            .predictBatch(PredictBatchRequest.newBuilder().addInputs(user("u1")).addInputs(vector(row)).build());
    assertThat(r.getResults(0).getError().getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
    assertThat(r.getResults(1).hasPrediction()).isTrue();
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
