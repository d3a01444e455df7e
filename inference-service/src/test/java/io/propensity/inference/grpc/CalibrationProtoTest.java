package io.propensity.inference.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.runtime.calibration.Calibration;
import org.junit.jupiter.api.Test;

/** GetModelInfo says how each served version's raw scores become its probabilities. */
class CalibrationProtoTest {

  @Test
  void eachMethodIsDescribedWithItsNumbers() {
    var platt = InferenceProtoMapper.toProto(Calibration.platt(0.7, -0.3));
    assertThat(platt.getPlatt().getSlope()).isEqualTo(0.7);
    assertThat(platt.getPlatt().getIntercept()).isEqualTo(-0.3);

    var iso =
        InferenceProtoMapper.toProto(
            Calibration.isotonic(new double[] {-2, 0, 3}, new double[] {0.05, 0.2, 0.9}));
    assertThat(iso.getIsotonic().getPointsList())
        .extracting(p -> p.getRawScore() + ":" + p.getProbability())
        .containsExactly("-2.0:0.05", "0.0:0.2", "3.0:0.9");

    assertThat(InferenceProtoMapper.toProto(Calibration.none()).hasNone()).isTrue();
  }
}
