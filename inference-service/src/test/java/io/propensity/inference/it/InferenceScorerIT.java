package io.propensity.inference.it;

import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;

/**
 * {@code PROPENSITY_INFERENCE_SCORER} in the packaged service: {@code native} still serves through
 * LightGBM's library (and the process maps it, which shows that {@link InferenceProcessIT}'s check
 * that the default Java scorer never maps it can fail), and a misspelt value stops the service at
 * start with a message naming the property.
 */
class InferenceScorerIT {
  @TempDir Path dir;

  private ServiceProcess service(FakeModelRegistry registry, String scorer) throws Exception {
    Files.createDirectories(dir.resolve("tmp"));
    Map<String, String> env = new HashMap<>();
    env.put("PROPENSITY_INFERENCE_REGISTRY_TARGET", registry.target());
    env.put("PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET", "127.0.0.1:1");
    env.put("PROPENSITY_INFERENCE_SCORER", scorer);
    env.put("PROPENSITY_DATA_DIR", dir.resolve("data").toString());
    env.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
    return ServiceProcess.of(
        ServiceProcess.builtJar(),
        env,
        // the native scorer extracts LightGBM's libraries here, not into a shared /tmp
        List.of("-Xmx256m", "-Djava.io.tmpdir=" + dir.resolve("tmp")),
        dir.resolve("inference.log"));
  }

  @Test
  void theNativeScorerServesExplainedPredictionsThroughLightGbmsLibrary() throws Exception {
    String text = TestModels.small(31);
    double[] row = TestModels.rows(1).get(0);
    try (FakeModelRegistry registry = FakeModelRegistry.start()) {
      registry.promote("purchase-7d", registry.register("purchase-7d", text));
      try (ServiceProcess service = service(registry, "native")) {
        service.start(Duration.ofSeconds(60));
        ManagedChannel channel = service.channel();
        PredictResponse response =
            InferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(
                    PredictRequest.newBuilder().setInput(vector(row)).setExplainTopK(5).build());
        List<String> libraries =
            InferenceProcessIT.nativeLibraries(InferenceProcessIT.servicePid());
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

        assertThat(response.getPrediction().getProbability())
            .isEqualTo(TestModels.reference(text, row));
        assertThat(response.getPrediction().getFactorsList()).hasSize(5);
        assertThat(libraries).anySatisfy(l -> assertThat(l).endsWith("lib_lightgbm.so"));
      }
    }
  }

  @Test
  void aMisspeltScorerStopsTheServiceAtStartNamingTheProperty() throws Exception {
    try (FakeModelRegistry registry = FakeModelRegistry.start();
        ServiceProcess service = service(registry, "jni")) {
      assertThatThrownBy(() -> service.start(Duration.ofSeconds(60)))
          .hasMessageContaining("service exited")
          .hasMessageContaining(
              "propensity.inference.scorer must be 'java' or 'native', got 'jni'");
    }
  }
}
