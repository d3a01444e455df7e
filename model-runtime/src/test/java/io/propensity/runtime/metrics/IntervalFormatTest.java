package io.propensity.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntervalFormatTest {
  private static ConfidenceInterval ci(double e, double lo, double hi) {
    return new ConfidenceInterval(e, lo, hi);
  }

  @Test
  void formatsValuesAndDifferencesWithTrueMinusSigns() {
    assertThat(IntervalFormat.value(ci(0.8123, 0.7911, 0.8304))).isEqualTo("0.812 [0.791, 0.830]");
    assertThat(IntervalFormat.difference(ci(-0.0123, -0.02, -0.0001)))
        .isEqualTo("−0.012 [−0.020, +0.000]");
    assertThat(IntervalFormat.value(ci(0.5, Double.NaN, Double.NaN))).isEqualTo("0.500");
    assertThat(IntervalFormat.value(ConfidenceInterval.UNDEFINED)).isEqualTo("–");
  }
}
