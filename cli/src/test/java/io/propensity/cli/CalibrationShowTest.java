package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import propensity.registry.v1.Calibration;
import propensity.registry.v1.CalibrationBin;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.PlattScaling;
import propensity.registry.v1.Reliability;
import propensity.training.v1.CalibrationMethod;
import propensity.training.v1.CalibrationSummary;

class CalibrationShowTest {

  static CalibrationBin bin(int i, long rows, double predicted, double observed) {
    return CalibrationBin.newBuilder()
        .setLowerBound(i / 10.0)
        .setUpperBound((i + 1) / 10.0)
        .setRowCount(rows)
        .setMeanPredictedProbability(predicted)
        .setObservedPositiveRate(observed)
        .build();
  }

  @Test
  void theCalibrationOptionReadsEachMethodAndRefusesOthersNamingThem() {
    assertThat(TrainCommand.calibration("auto"))
        .isEqualTo(CalibrationMethod.CALIBRATION_METHOD_AUTO);
    assertThat(TrainCommand.calibration("Platt"))
        .isEqualTo(CalibrationMethod.CALIBRATION_METHOD_PLATT);
    assertThat(TrainCommand.calibration("isotonic"))
        .isEqualTo(CalibrationMethod.CALIBRATION_METHOD_ISOTONIC);
    assertThat(TrainCommand.calibration("none"))
        .isEqualTo(CalibrationMethod.CALIBRATION_METHOD_NONE);
    assertThatThrownBy(() -> TrainCommand.calibration("beta"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("--calibration beta")
        .hasMessageContaining("auto, platt, isotonic, none");
  }

  @Test
  void aCalibratedVersionShowsItsMethodFiguresBeforeAndAfterAndItsReliabilityCurve() {
    ModelVersion v =
        ModelVersion.newBuilder()
            .setCalibration(
                Calibration.newBuilder()
                    .setPlatt(PlattScaling.newBuilder().setSlope(0.8).setIntercept(-1.5))
                    .setValidationRowCount(4000)
                    .setValidationPositiveCount(60)
                    .setReason("auto chose Platt: only 60 positives"))
            .setEvaluation(
                Evaluation.newBuilder()
                    .setBrier(0.05)
                    .setExpectedCalibrationError(0.01)
                    .setLogLoss(0.2)
                    .addCalibrationBins(bin(0, 900, 0.03, 0.031))
                    .addCalibrationBins(bin(1, 0, 0, 0))
                    .setUncalibrated(
                        Reliability.newBuilder()
                            .setBrier(0.09)
                            .setExpectedCalibrationError(0.2)
                            .setLogLoss(0.35)
                            .addCalibrationBins(bin(0, 500, 0.06, 0.02))
                            .addCalibrationBins(bin(1, 400, 0.15, 0.05))))
            .build();
    String shown = Show.calibration(v);
    assertThat(shown)
        .contains("calibration Platt scaling (slope 0.8000, intercept -1.5000)")
        .contains("fitted on 4,000 held-out rows (60 positive)")
        .contains("auto chose Platt: only 60 positives")
        .contains("Brier 0.0900 -> 0.0500")
        .contains("ECE 0.2000 -> 0.0100")
        .contains("log loss 0.3500 -> 0.2000");
    assertThat(shown.lines().filter(l -> l.contains("0.0-0.1")).findFirst())
        .get()
        .asString()
        .contains("900")
        .contains("0.030")
        .contains("0.031")
        .contains("500")
        .contains("0.060")
        .contains("0.020");
    assertThat(shown.lines().filter(l -> l.contains("0.1-0.2")).findFirst())
        .get()
        .asString()
        .contains(" - ")
        .contains("0.150");
  }

  @Test
  void anUncalibratedVersionSaysSoAndAJobSummaryComparesBeforeAndAfter() {
    String shown =
        Show.calibration(
            ModelVersion.newBuilder()
                .setEvaluation(Evaluation.newBuilder().setBrier(0.1).setLogLoss(0.3))
                .build());
    assertThat(shown).contains("calibration none").contains("Brier 0.1000").doesNotContain("->");

    String job =
        Show.calibration(
            CalibrationSummary.newBuilder()
                .setMethod(CalibrationMethod.CALIBRATION_METHOD_ISOTONIC)
                .setReason("auto chose isotonic")
                .setUncalibratedBrier(0.2)
                .setBrier(0.1)
                .build());
    assertThat(job)
        .contains("calibration isotonic: auto chose isotonic")
        .contains("Brier 0.2000 -> 0.1000");
  }
}
