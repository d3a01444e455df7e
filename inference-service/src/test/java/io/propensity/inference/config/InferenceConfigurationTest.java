package io.propensity.inference.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InferenceConfigurationTest {

  private static InferenceConfiguration withScoringThreads(int threads) {
    return new InferenceConfiguration(
        "purchase-7d", null, "production", "score", 0, 1e-6, 1 << 26, 2, threads);
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
}
