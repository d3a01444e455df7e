package io.propensity.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

  @Test
  void ratiosFromCounts() {
    ConfusionMatrix m = new ConfusionMatrix(30, 10, 50, 10);
    assertThat(m.rows()).isEqualTo(100);
    assertThat(m.precision()).isEqualTo(0.75);
    assertThat(m.recall()).isEqualTo(0.75);
    assertThat(m.f1()).isCloseTo(0.75, within(1e-12));
    assertThat(m.accuracy()).isEqualTo(0.8);
    // F2 = 5·30 / (5·30 + 4·10 + 10)
    assertThat(m.fBeta(2)).isCloseTo(150.0 / 200.0, within(1e-12));
  }

  @Test
  void zeroDenominatorsGiveZeroNotNaN() {
    ConfusionMatrix nothingPredicted = new ConfusionMatrix(0, 0, 5, 3);
    assertThat(nothingPredicted.precision()).isZero();
    assertThat(nothingPredicted.recall()).isZero();
    assertThat(nothingPredicted.f1()).isZero();
    assertThat(new ConfusionMatrix(0, 0, 0, 0).accuracy()).isZero();
  }

  @Test
  void negativeCountsAreRejected() {
    assertThatThrownBy(() -> new ConfusionMatrix(-1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
