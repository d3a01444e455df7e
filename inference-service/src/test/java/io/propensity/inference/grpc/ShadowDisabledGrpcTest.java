package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.shadow.ShadowScorer;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.LoggedService;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.PredictRequest;

/** Shadow scoring is off by default: a challenger alias in the registry changes nothing. */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShadowDisabledGrpcTest implements TestPropertyProvider {
  static final String NAME = "purchase-7d";

  FakeModelRegistry registry;
  FakeFeatureService features;
  @Inject GrpcEmbeddedServer server;
  @Inject ApplicationContext context;
  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    registry.promote(NAME, registry.register(NAME, TestModels.small(1)));
    registry.setAlias(NAME, "challenger", registry.register(NAME, TestModels.small(2)));
    Path dir = LoggedService.newLogDirectory("shadow-off");
    return LoggedService.properties(registry, features, dir);
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

  @Test
  void withShadowDisabledOnlyProductionAnswersAreLogged() {
    InferenceServiceGrpc.InferenceServiceBlockingStub stub =
        InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    for (int i = 0; i < 20; i++) {
      stub.predict(
          PredictRequest.newBuilder()
              .setInput(vector(TestModels.rows(20).get(i)))
              .setRequestId("off-" + i)
              .build());
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                stub.listServedPredictions(
                            ListServedPredictionsRequest.newBuilder()
                                .setModelAlias("production")
                                .build())
                        .getPredictionsCount()
                    == 20);
    assertThat(context.findBean(ShadowScorer.class)).isEmpty();
    assertThat(
            stub.listServedPredictions(
                    ListServedPredictionsRequest.newBuilder().setModelAlias("challenger").build())
                .getPredictionsList())
        .isEmpty();
    assertThat(
            stub.listServedPredictions(ListServedPredictionsRequest.getDefaultInstance())
                .getPredictionsCount())
        .isEqualTo(20);
  }
}
