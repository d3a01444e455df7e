package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictRequest;

/**
 * Two inference-service replicas watching one registry: a promotion reaches both, and a client
 * pointed at both (an address list) is served by either, also once one is gone.
 */
class TwoReplicasGrpcTest {
  static final String NAME = "purchase-7d";

  private final List<ApplicationContext> replicas = new ArrayList<>();
  private FakeModelRegistry registry;
  private ManagedChannel channel;

  @AfterEach
  void close() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (ApplicationContext c : replicas) {
      if (c.isRunning()) {
        c.close();
      }
    }
    if (registry != null) {
      registry.close();
    }
  }

  private ApplicationContext replica() {
    ApplicationContext c =
        ApplicationContext.run(
            Map.of(
                "propensity.inference.registry.target",
                registry.target(),
                "propensity.inference.registry.poll-interval",
                "1h",
                "propensity.inference.feature-service.target",
                "127.0.0.1:1",
                "propensity.inference.default-model",
                NAME),
            "test");
    GrpcEmbeddedServer server = c.getBean(GrpcEmbeddedServer.class);
    if (!server.isRunning()) {
      server.start();
    }
    replicas.add(c);
    return c;
  }

  private static void awaitServing(ApplicationContext replica, long version) {
    ServedModels served = replica.getBean(ServedModels.class);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> served.currentVersion(NAME).orElse(0) == version);
  }

  private static int port(ApplicationContext replica) {
    return replica.getBean(GrpcEmbeddedServer.class).getPort();
  }

  @Test
  void aPromotionReachesBothReplicasAndEitherServesAClientOfBoth() throws Exception {
    registry = FakeModelRegistry.start();
    registry.promote(NAME, registry.register(NAME, TestModels.small(11)));
    ApplicationContext a = replica();
    ApplicationContext b = replica();
    awaitServing(a, 1);
    awaitServing(b, 1);

    long v2 = registry.register(NAME, TestModels.small(12));
    registry.promote(NAME, v2);
    awaitServing(a, v2);
    awaitServing(b, v2);

    channel = ChannelSecurity.plaintext().open("127.0.0.1:" + port(a) + ",127.0.0.1:" + port(b));
    InferenceServiceGrpc.InferenceServiceBlockingStub stub =
        InferenceServiceGrpc.newBlockingStub(channel);
    PredictRequest request =
        PredictRequest.newBuilder().setInput(vector(TestModels.rows(1).get(0))).build();
    Set<Long> versions = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      versions.add(
          stub.withDeadlineAfter(10, TimeUnit.SECONDS)
              .predict(request)
              .getPrediction()
              .getModelVersion());
    }
    assertThat(versions).containsExactly(v2);

    a.close(); // one replica goes away: calls keep succeeding on the other
    for (int i = 0; i < 20; i++) {
      assertThat(
              stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                  .predict(request)
                  .getPrediction()
                  .getModelVersion())
          .isEqualTo(v2);
    }
  }
}
