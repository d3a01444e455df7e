package io.propensity.runtime.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void noneIsTheSigmoidOfTheRawScore() {
    Calibration none = Calibration.none();

    assertThat(none.probability(0)).isEqualTo(0.5);
    assertThat(none.probability(2)).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-15));
    assertThat(none.probability(-800)).isEqualTo(0.0);
    assertThat(none.method()).isEqualTo(CalibrationMethod.NONE);
  }

  @Test
  void plattIsTheSigmoidOfALinearMapClampedAwayFromCertainty() {
    Calibration platt = Calibration.platt(2, -1);

    assertThat(platt.probability(0.5)).isEqualTo(0.5);
    assertThat(platt.probability(1)).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-15));
    assertThat(platt.probability(1e6)).isEqualTo(1 - Calibration.MIN_PROBABILITY);
    assertThat(platt.probability(-1e6)).isEqualTo(Calibration.MIN_PROBABILITY);
  }

  @Test
  void isotonicPointsAreCheckedAndNamedWhenWrong() {
    assertThatThrownBy(() -> Calibration.isotonic(new double[] {0, 0}, new double[] {0.1, 0.2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("point 1: raw score 0.0 is not above");
    assertThatThrownBy(() -> Calibration.isotonic(new double[] {0, 1}, new double[] {0.3, 0.2}))
        .hasMessageContaining("point 1: probability 0.2 is below the previous point's 0.3");
    assertThatThrownBy(() -> Calibration.isotonic(new double[] {0, 1}, new double[] {0.3, 1.2}))
        .hasMessageContaining("point 1: probability 1.2 is outside 0 to 1");
    assertThatThrownBy(() -> Calibration.isotonic(new double[] {Double.NaN}, new double[] {0.3}))
        .hasMessageContaining("point 0: raw score NaN is not finite");
    assertThatThrownBy(() -> Calibration.isotonic(new double[] {}, new double[] {}))
        .hasMessageContaining("at least one point");
    assertThatThrownBy(() -> Calibration.isotonic(new double[] {1, 2}, new double[] {0.5}))
        .hasMessageContaining("2 raw scores but 1 probabilities");
    assertThatThrownBy(() -> Calibration.platt(-0.1, 0))
        .hasMessageContaining("slope -0.1 is not a finite number >= 0");
    assertThatThrownBy(() -> Calibration.platt(1, Double.POSITIVE_INFINITY))
        .hasMessageContaining("intercept Infinity is not finite");
  }

  @Test
  void isotonicInterpolatesLinearlyAndCopiesItsArrays() {
    double[] x = {-1, 0, 2};
    double[] p = {0.1, 0.2, 0.6};
    Calibration.Isotonic iso = new Calibration.Isotonic(x, p);
    x[0] = 5;

    assertThat(iso.probability(-1)).isEqualTo(0.1);
    assertThat(iso.probability(-0.5)).isCloseTo(0.15, within(1e-15));
    assertThat(iso.probability(0)).isEqualTo(0.2);
    assertThat(iso.probability(1)).isCloseTo(0.4, within(1e-15));
    assertThat(iso.probability(3)).isEqualTo(0.6);
    assertThat(iso.rawScores()).containsExactly(-1, 0, 2);
    assertThat(iso).isEqualTo(Calibration.isotonic(new double[] {-1, 0, 2}, p));
    assertThat(iso.hashCode())
        .isEqualTo(Calibration.isotonic(new double[] {-1, 0, 2}, p).hashCode());
  }

  @Test
  void aSinglePointIsotonicCalibrationIsConstant() {
    Calibration iso = Calibration.isotonic(new double[] {0.4}, new double[] {0.3});

    assertThat(iso.probability(-5)).isEqualTo(0.3);
    assertThat(iso.probability(5)).isEqualTo(0.3);
  }
}
