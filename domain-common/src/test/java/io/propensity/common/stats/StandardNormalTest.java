package io.propensity.common.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Against tabulated values of erfc, Φ and Φ⁻¹. */
class StandardNormalTest {

  @Test
  void erfcAndTheCdfMatchTheirTables() {
    assertThat(StandardNormal.erfc(0)).isCloseTo(1.0, within(1e-7));
    assertThat(StandardNormal.erfc(1)).isCloseTo(0.1572992071, within(1e-7));
    assertThat(StandardNormal.erfc(-1)).isCloseTo(1.8427007929, within(1e-6));
    assertThat(StandardNormal.erfc(3)).isCloseTo(2.209049700e-5, within(1e-10));
    assertThat(StandardNormal.cdf(0)).isCloseTo(0.5, within(1e-7));
    assertThat(StandardNormal.cdf(1.959963984540054)).isCloseTo(0.975, within(1e-7));
    assertThat(StandardNormal.cdf(-2.575829303549)).isCloseTo(0.005, within(1e-7));
  }

  @Test
  void theQuantileInvertsTheCdf() {
    assertThat(StandardNormal.quantile(0.975)).isCloseTo(1.959963984540054, within(1e-6));
    assertThat(StandardNormal.quantile(0.5)).isCloseTo(0, within(1e-7));
    assertThat(StandardNormal.quantile(0.005)).isCloseTo(-2.575829303549, within(1e-6));
    for (double p : new double[] {1e-9, 0.01, 0.3, 0.9, 1 - 1e-9}) {
      assertThat(StandardNormal.cdf(StandardNormal.quantile(p))).isCloseTo(p, within(1e-7));
    }
    assertThatThrownBy(() -> StandardNormal.quantile(1)).hasMessageContaining("(0, 1)");
    assertThatThrownBy(() -> StandardNormal.quantile(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
