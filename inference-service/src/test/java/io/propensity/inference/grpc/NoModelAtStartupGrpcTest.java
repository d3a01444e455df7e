package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.common.grpc.ServiceConventionsChecks;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictRequest;

/** A service started before any production model exists waits for one, and says so. */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoModelAtStartupGrpcTest implements TestPropertyProvider {
  FakeModelRegistry registry;
  @Inject GrpcEmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    return Map.of(
        "propensity.inference.registry.target", registry.target(),
        "propensity.inference.feature-service.target", "127.0.0.1:1",
        "propensity.inference.scorers-per-model", "1");
  }

  @AfterAll
  void close() throws Exception {
    registry.close();
  }

  @Test
  void notServingAndFailedPreconditionUntilAProductionVersionArrivesThenServing() throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      var stub = InferenceServiceGrpc.newBlockingStub(channel);
      PredictRequest req =
          PredictRequest.newBuilder().setInput(vector(TestModels.rows(1).get(0))).build();

      assertThat(ServiceConventionsChecks.overallHealth(channel))
          .isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(serviceHealth(channel)).isEqualTo(ServingStatus.NOT_SERVING);
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS).predict(req));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(e.getStatus().getDescription())
          .contains("no model is loaded yet")
          .contains("purchase-7d");

      // A version that is only staged is not served.
      long v1 = registry.register("purchase-7d", TestModels.small(21));
      registry.setAlias("purchase-7d", "staging", v1);
      Thread.sleep(300);
      assertThat(ServiceConventionsChecks.overallHealth(channel))
          .isEqualTo(ServingStatus.NOT_SERVING);

      registry.promote("purchase-7d", v1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ServiceConventionsChecks.overallHealth(channel) == ServingStatus.SERVING);
      assertThat(serviceHealth(channel)).isEqualTo(ServingStatus.SERVING);
      assertThat(
              stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                  .predict(req)
                  .getPrediction()
                  .getModelVersion())
          .isEqualTo(v1);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ServingStatus serviceHealth(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(
            HealthCheckRequest.newBuilder().setService(InferenceServiceGrpc.SERVICE_NAME).build())
        .getStatus();
  }
}
