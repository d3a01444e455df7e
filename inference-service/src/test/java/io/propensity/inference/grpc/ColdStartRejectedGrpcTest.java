package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.user;
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
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictRequest;

/** With cold-start scoring disabled, an unknown user is NOT_FOUND while known users still score. */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ColdStartRejectedGrpcTest implements TestPropertyProvider {
  FakeModelRegistry registry;
  FakeFeatureService features;
  @Inject GrpcEmbeddedServer server;
  @Inject ServedModels served;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    registry.promote("purchase-7d", registry.register("purchase-7d", TestModels.small(51)));
    features.add(
        List.of(
            Event.builder("k1", "known", Instant.now().minusSeconds(600), EventType.PAGE_VIEW)
                .build()));
    return Map.of(
        "propensity.inference.registry.target", registry.target(),
        "propensity.inference.feature-service.target", features.target(),
        "propensity.inference.cold-start", "reject",
        "propensity.inference.feature-service.deadline", "5s",
        "propensity.inference.scorers-per-model", "1");
  }

  @AfterAll
  void close() throws Exception {
    registry.close();
    features.close();
  }

  @Test
  void unknownUsersAreNotFoundWhenColdStartIsDisabled() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(served::defaultServed);
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      var stub =
          InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
      assertThat(
              stub.predict(PredictRequest.newBuilder().setInput(user("known")).build())
                  .getPrediction()
                  .getColdStart())
          .isFalse();
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> stub.predict(PredictRequest.newBuilder().setInput(user("stranger")).build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(e.getStatus().getDescription()).contains("stranger").contains("cold-start");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
