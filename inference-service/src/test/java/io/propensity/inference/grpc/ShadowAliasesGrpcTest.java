package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.LoggedService;
import io.propensity.inference.testing.ServingChannels;
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
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.ServedPrediction;

/**
 * Several shadow aliases at once, as the promotion policy needs (the challenger to promote, the
 * version production replaced to roll back to): each scores every logged answer under its own
 * alias, same request and row, and none is returned.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShadowAliasesGrpcTest implements TestPropertyProvider {
  static final String NAME = "purchase-7d";
  static final String PRODUCTION = TestModels.small(1);
  static final String CHALLENGER = TestModels.small(2);
  static final String PREVIOUS = TestModels.small(3);

  FakeModelRegistry registry;
  FakeFeatureService features;
  long production;
  long challenger;
  long previous;
  @Inject GrpcEmbeddedServer server;
  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    previous = registry.register(NAME, PREVIOUS);
    production = registry.register(NAME, PRODUCTION);
    challenger = registry.register(NAME, CHALLENGER);
    registry.promote(NAME, production);
    registry.setAlias(NAME, "challenger", challenger);
    registry.setAlias(NAME, "previous", previous);
    return LoggedService.properties(
        registry,
        features,
        LoggedService.newLogDirectory("shadow-aliases"),
        "propensity.inference.shadow.enabled",
        "true",
        "propensity.inference.shadow.aliases",
        "challenger,previous");
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
  void everyShadowAliasScoresTheAnswerUnderItsOwnAlias() {
    double[] row = TestModels.rows(3).get(2);
    // the shadows load in the background: ask until both have answered one request
    List<ServedPrediction> logged =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  String id = "shadowed-" + System.nanoTime();
                  PredictResponse r =
                      InferenceServiceGrpc.newBlockingStub(channel)
                          .withDeadlineAfter(20, TimeUnit.SECONDS)
                          .predict(
                              PredictRequest.newBuilder()
                                  .setInput(vector(row))
                                  .setRequestId(id)
                                  .build());
                  assertThat(r.getPrediction().getModelVersion()).isEqualTo(production);
                  Thread.sleep(300);
                  return InferenceServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(20, TimeUnit.SECONDS)
                      .listServedPredictions(
                          ListServedPredictionsRequest.newBuilder().setPageSize(1000).build())
                      .getPredictionsList()
                      .stream()
                      .filter(p -> p.getRequestId().equals(id))
                      .toList();
                },
                ps -> ps.size() == 3);

    Map<String, Long> versions =
        Map.of("production", production, "challenger", challenger, "previous", previous);
    Map<String, String> models =
        Map.of("production", PRODUCTION, "challenger", CHALLENGER, "previous", PREVIOUS);
    assertThat(logged)
        .extracting(ServedPrediction::getModelAlias)
        .containsExactlyInAnyOrder("production", "challenger", "previous");
    for (ServedPrediction p : logged) {
      assertThat(p.getRowIndex()).isZero();
      assertThat(p.getModelVersion()).isEqualTo(versions.get(p.getModelAlias()));
      assertThat(p.getProbability())
          .as(p.getModelAlias())
          .isCloseTo(TestModels.reference(models.get(p.getModelAlias()), row), within(1e-6));
    }
  }
}
