package io.propensity.inference.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.runtime.calibration.Calibration;
import org.junit.jupiter.api.Test;
import propensity.registry.v1.Calibration.Builder;
import propensity.registry.v1.CalibrationPoint;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.IsotonicCalibration;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.PlattScaling;
import propensity.registry.v1.Reliability;

class GrpcModelSourceCalibrationTest {

  static ModelVersion version(Builder calibration, boolean evaluatedCalibrated) {
    ModelVersion.Builder b = ModelVersion.newBuilder().setName("purchase-7d").setVersion(2);
    if (calibration != null) {
      b.setCalibration(calibration);
    }
    if (evaluatedCalibrated) {
      b.setEvaluation(
          Evaluation.newBuilder()
              .setModelKind("lightgbm")
              .setUncalibrated(Reliability.newBuilder().setBrier(0.2)));
    }
    return b.build();
  }

  static Builder isotonic(double... rawThenProbability) {
    IsotonicCalibration.Builder points = IsotonicCalibration.newBuilder();
    for (int i = 0; i < rawThenProbability.length; i += 2) {
      points.addPoints(
          CalibrationPoint.newBuilder()
              .setRawScore(rawThenProbability[i])
              .setProbability(rawThenProbability[i + 1]));
    }
    return propensity.registry.v1.Calibration.newBuilder().setIsotonic(points);
  }

  @Test
  void aRegisteredCalibrationBecomesTheOneServed() {
    ModelDescriptor platt =
        GrpcModelSource.toDescriptor(
            version(
                propensity.registry.v1.Calibration.newBuilder()
                    .setPlatt(PlattScaling.newBuilder().setSlope(0.8).setIntercept(-0.5)),
                true));
    assertThat(platt.calibration()).isEqualTo(Calibration.platt(0.8, -0.5));
    assertThat(platt.calibrationProblem()).isEmpty();

    ModelDescriptor iso = GrpcModelSource.toDescriptor(version(isotonic(-1, 0.1, 2, 0.7), true));
    assertThat(iso.calibration().probability(0.5)).isEqualTo(0.4);
    assertThat(iso.calibrationProblem()).isEmpty();

    ModelDescriptor none = GrpcModelSource.toDescriptor(version(null, false));
    assertThat(none.calibration()).isEqualTo(Calibration.none());
    assertThat(none.calibrationProblem()).isEmpty();
  }

  @Test
  void aCorruptCalibrationIsAProblemNotAFallbackToTheRawProbability() {
    ModelDescriptor d = GrpcModelSource.toDescriptor(version(isotonic(-1, 0.6, 2, 0.3), true));
    assertThat(d.calibrationProblem()).get().asString().contains("must not decrease");

    ModelDescriptor nan =
        GrpcModelSource.toDescriptor(
            version(
                propensity.registry.v1.Calibration.newBuilder()
                    .setPlatt(PlattScaling.newBuilder().setSlope(Double.NaN)),
                true));
    assertThat(nan.calibrationProblem()).get().asString().contains("slope");

    ModelDescriptor empty =
        GrpcModelSource.toDescriptor(
            version(
                propensity.registry.v1.Calibration.newBuilder()
                    .setIsotonic(IsotonicCalibration.getDefaultInstance()),
                true));
    assertThat(empty.calibrationProblem()).get().asString().contains("at least one point");
  }

  @Test
  void aCalibrationMissingFromAVersionEvaluatedAsCalibratedIsAProblem() {
    ModelDescriptor d = GrpcModelSource.toDescriptor(version(null, true));
    assertThat(d.calibrationProblem())
        .get()
        .asString()
        .contains("no calibration")
        .contains("evaluated on calibrated probabilities");
  }
}
