package io.propensity.inference.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.propensity.inference.reload.ModelLoader;
import io.propensity.inference.reload.ScorerKind;
import io.propensity.runtime.signing.ModelKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceConfigurationTest {

  private static InferenceConfiguration with(int threads, String scorer) {
    return new InferenceConfiguration(
        "purchase-7d", null, "production", "score", 0, 1e-6, 1 << 26, 2, threads, scorer, null);
  }

  private static InferenceConfiguration withScoringThreads(int threads) {
    return with(threads, "java");
  }

  @Test
  void scoringThreadsOfZeroMeanTheOpenMpDefaultAndAreAccepted() {
    assertThat(withScoringThreads(0).scoringThreads()).isZero();
    assertThat(withScoringThreads(1).scoringThreads()).isEqualTo(1);
  }

  @Test
  void negativeScoringThreadsAreRefusedNamingTheProperty() {
    assertThatThrownBy(() -> withScoringThreads(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "propensity.inference.scoring-threads must be 0 (OpenMP default) or more, got -1");
  }

  @Test
  void theScorerIsJavaOrNativeInAnyCase() {
    assertThat(with(1, "java").scorerKind()).isEqualTo(ScorerKind.JAVA);
    assertThat(with(1, " Native ").scorerKind()).isEqualTo(ScorerKind.NATIVE);
    assertThatThrownBy(() -> with(1, "jni"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("propensity.inference.scorer must be 'java' or 'native', got 'jni'");
  }

  /** The service's own configuration, as it starts: no server, a registry nobody listens at. */
  private static ApplicationContext start(Map<String, Object> properties) {
    return ApplicationContext.builder()
        .properties(
            Map.of(
                "propensity.inference.registry.target", "127.0.0.1:1",
                "propensity.inference.feature-service.target", "127.0.0.1:1"))
        .properties(properties)
        .start();
  }

  @Test
  void theServiceScoresWithTheJavaScorerUnlessToldOtherwiseAndSaysSoInAMetric() {
    try (ApplicationContext context = start(Map.of())) {
      assertThat(context.getBean(InferenceConfiguration.class).scorerKind())
          .isEqualTo(ScorerKind.JAVA);
      context.getBean(ModelLoader.class);
      assertThat(
              context
                  .getBean(MeterRegistry.class)
                  .get("propensity.inference.scorer")
                  .tag("scorer", "java")
                  .gauge()
                  .value())
          .isEqualTo(1.0);
    }
    try (ApplicationContext context = start(Map.of("propensity.inference.scorer", "native"))) {
      assertThat(context.getBean(InferenceConfiguration.class).scorerKind())
          .isEqualTo(ScorerKind.NATIVE);
    }
  }

  @Test
  void trustedModelKeysAreCommaSeparatedPemFilesAndAnUnreadableOneStopsTheServiceAtStart(
      @TempDir Path dir) throws Exception {
    Path a = Files.writeString(dir.resolve("a.pem"), publicKeyPem());
    Path b = Files.writeString(dir.resolve("b.pem"), publicKeyPem());

    try (ApplicationContext context =
        start(Map.of("propensity.inference.trusted-model-keys", " " + a + ", " + b + " ,"))) {
      assertThat(context.getBean(InferenceConfiguration.class).trustedModelKeyFiles())
          .containsExactly(a, b);
      context.getBean(ModelLoader.class);
    }
    try (ApplicationContext context = start(Map.of())) {
      assertThat(context.getBean(InferenceConfiguration.class).trustedModelKeyFiles()).isEmpty();
    }
    String missing = dir.resolve("missing.pem").toString();
    assertThatThrownBy(
            () -> start(Map.of("propensity.inference.trusted-model-keys", missing)).close())
        .rootCause()
        .hasMessageContaining("missing.pem");
  }

  private static String publicKeyPem() {
    return ModelKeys.publicKeyPem(ModelKeys.generate().getPublic());
  }

  @Test
  void aMisspeltScorerStopsTheServiceAtStartNamingThePropertyAndTheValues() {
    assertThatThrownBy(() -> start(Map.of("propensity.inference.scorer", "jni")).close())
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("propensity.inference.scorer must be 'java' or 'native', got 'jni'");
  }
}
