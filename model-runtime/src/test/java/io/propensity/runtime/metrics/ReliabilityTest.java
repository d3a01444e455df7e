package io.propensity.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReliabilityTest {

  @Test
  void expectedCalibrationErrorIsTheRowWeightedGapOfTheBins() {
    double[] p = {0.05, 0.05, 0.05, 0.05, 0.85, 0.85};
    boolean[] y = {false, false, false, true, true, false};

    BinaryEvaluation e = Evaluator.evaluate(p, y, 0.5);

    // bin [0, 0.1): 4 rows, predicted 0.05, observed 0.25; bin [0.8, 0.9): 2 rows, 0.85 vs 0.5
    double expected = (4 * 0.2 + 2 * 0.35) / 6;
    assertThat(e.expectedCalibrationError()).isCloseTo(expected, within(1e-12));
    Reliability r = Reliability.of(e);
    assertThat(r.expectedCalibrationError()).isEqualTo(e.expectedCalibrationError());
    assertThat(r.brierScore()).isEqualTo(e.brierScore());
    assertThat(r.logLoss()).isEqualTo(e.logLoss());
    assertThat(r.bins()).isEqualTo(e.calibration());
    assertThat(r.rows()).isEqualTo(6);
  }

  @Test
  void perfectlyCalibratedBinsHaveNoErrorAndEmptyBinsHaveNoneDefined() {
    assertThat(
            Reliability.expectedCalibrationError(
                List.of(new CalibrationBin(0.2, 0.3, 10, 0.25, 0.25))))
        .isZero();
    assertThat(
            Reliability.expectedCalibrationError(
                List.of(new CalibrationBin(0.2, 0.3, 0, Double.NaN, Double.NaN))))
        .isNaN();
  }
}
