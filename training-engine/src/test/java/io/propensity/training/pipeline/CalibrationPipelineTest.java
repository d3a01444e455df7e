package io.propensity.training.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ScoringModel;
import io.propensity.runtime.calibration.CalibratedModel;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.runtime.metrics.Reliability;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.model.BoostingSettings;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Calibration in the pipeline, on synthetic rows whose true probability is known: resampling and
 * class weights inflate LightGBM's probabilities, and the calibration fitted on validation rows
 * brings them back to the truth.
 */
class CalibrationPipelineTest {
  private static final double INTERCEPT = -4.6; // about 14 % positives
  private static final Dataset DATA = SyntheticData.dataset(5000, 93, INTERCEPT, 1, false);

  private static TrainingResult train(ImbalanceStrategy imbalance, CalibrationMethod calibration) {
    return new TrainingPipeline()
        .run(
            TrainingRequest.builder(new TrainingSource.InMemory(DATA, "synthetic", "label"))
                .seed(93)
                .imbalance(imbalance)
                .calibration(calibration)
                .boosting(BoostingSettings.defaults(93).withMaxIterations(200))
                .goldenRows(200)
                .shap(100, 20, 0)
                .build(),
            ProgressListener.none(),
            CancellationToken.none());
  }

  /** Mean |p − true probability| over the golden (test) rows, with the served probabilities. */
  private static double errorToTruth(TrainingResult r) {
    double sum = 0;
    for (GoldenRow g : r.goldenRows()) {
      sum +=
          Math.abs(
              g.expectedProbability() - SyntheticData.trueProbability(g.features(), INTERCEPT));
    }
    return sum / r.goldenRows().size();
  }

  /** The same with the model's own probabilities (the sigmoid of the raw score). */
  private static double uncalibratedErrorToTruth(TrainingResult r) {
    double sum = 0;
    for (GoldenRow g : r.goldenRows()) {
      double own = Calibration.sigmoid(g.expectedRawScore());
      sum += Math.abs(own - SyntheticData.trueProbability(g.features(), INTERCEPT));
    }
    return sum / r.goldenRows().size();
  }

  @Test
  void classWeightsDistortProbabilitiesAndCalibrationRepairsThem() {
    TrainingResult off = train(ImbalanceStrategy.classWeights(), CalibrationMethod.NONE);
    TrainingResult on = train(ImbalanceStrategy.classWeights(), CalibrationMethod.AUTO);

    report("class weights", off, on);
    Reliability raw = off.calibration().calibrated();
    Reliability calibrated = on.calibration().calibrated();
    // uncalibrated, class weights make the model say ~50 % where ~14 % happens
    assertThat(raw.expectedCalibrationError()).isGreaterThan(0.15);
    assertThat(calibrated.expectedCalibrationError())
        .isLessThan(0.05)
        .isLessThan(raw.expectedCalibrationError() / 3);
    assertThat(calibrated.brierScore()).isLessThan(raw.brierScore() * 0.8);
    assertThat(calibrated.logLoss()).isLessThan(raw.logLoss());
    assertThat(errorToTruth(on)).isLessThan(errorToTruth(off) / 2);
    // the uncalibrated figures of the calibrated run are those of the same model without it
    assertThat(on.calibration().uncalibrated().brierScore())
        .isCloseTo(raw.brierScore(), within(1e-12));
    // ranking is kept: calibration is monotone, so ROC-AUC barely moves
    assertThat(on.modelEvaluation().rocAuc())
        .isCloseTo(off.modelEvaluation().rocAuc(), within(0.01));
    // the threshold was chosen on calibrated probabilities: a different number, the same decision
    assertThat(on.threshold()).isLessThan(off.threshold());
    assertThat(on.modelEvaluation().f1()).isCloseTo(off.modelEvaluation().f1(), within(0.05));
  }

  @Test
  void smoteDistortsProbabilitiesAndCalibrationRepairsThem() {
    TrainingResult on = train(ImbalanceStrategy.smote(), CalibrationMethod.AUTO);

    report("SMOTE", null, on);
    CalibrationReport c = on.calibration();
    assertThat(c.model().method()).isEqualTo(CalibrationMethod.ISOTONIC);
    assertThat(c.uncalibrated().expectedCalibrationError()).isGreaterThan(0.1);
    assertThat(c.calibrated().expectedCalibrationError())
        .isLessThan(c.uncalibrated().expectedCalibrationError() / 3);
    assertThat(c.calibrated().brierScore()).isLessThan(c.uncalibrated().brierScore());
    assertThat(errorToTruth(on)).isLessThan(uncalibratedErrorToTruth(on) * 0.7);
  }

  @Test
  void plattAlsoRepairsClassWeightsAndEveryFigureComesFromTheServedProbabilities()
      throws Exception {
    TrainingResult r = train(ImbalanceStrategy.classWeights(), CalibrationMethod.PLATT);

    CalibrationReport c = r.calibration();
    assertThat(c.requested()).isEqualTo(CalibrationMethod.PLATT);
    assertThat(c.model().method()).isEqualTo(CalibrationMethod.PLATT);
    assertThat(c.model().reason()).startsWith("Platt scaling as asked");
    Calibration.Platt platt = (Calibration.Platt) c.model().calibration();
    // class weights of negatives/positives ≈ 6 shift the raw score up by about ln 6
    assertThat(platt.intercept()).isNegative();
    assertThat(c.calibrated().expectedCalibrationError())
        .isLessThan(c.uncalibrated().expectedCalibrationError() / 3);
    // the refitted model's calibration is fitted on out-of-fold scores of its own rows: every
    // train + validation row once (stratified folds, as the rows have no cutoffs), no test row
    assertThat(c.model().rows()).isEqualTo(r.lineage().trainRows() + r.lineage().validationRows());
    assertThat(r.lineage().notes())
        .anyMatch(n -> n.startsWith("calibration and threshold from out-of-fold scores of"));
    // the test metrics are those of the calibrated probabilities
    assertThat(c.calibrated()).isEqualTo(Reliability.of(r.modelEvaluation()));
    // golden rows hold what serving the model text with this calibration gives
    try (LightGbmModel m = LightGbmModel.fromModelText(r.modelText())) {
      ScoringModel served = CalibratedModel.of(m, c.model().calibration());
      for (GoldenRow g : r.goldenRows()) {
        assertThat(served.predictProbability(g.features())).isEqualTo(g.expectedProbability());
        assertThat(g.expectedProbability()).isEqualTo(platt.probability(g.expectedRawScore()));
      }
    }
    // the baseline is calibrated the same way
    assertThat(c.baseline().method()).isEqualTo(CalibrationMethod.PLATT);
    assertThat(r.reportHtml())
        .contains("Calibration (test)")
        .contains("calibrated (platt)")
        .contains("expected calibration error")
        .contains("explain the raw score");
  }

  @Test
  void withoutCalibrationTheModelServesItsOwnProbabilities() {
    TrainingResult r = train(ImbalanceStrategy.none(), CalibrationMethod.NONE);

    assertThat(r.calibration().model().calibration()).isEqualTo(Calibration.none());
    assertThat(r.calibration().uncalibrated()).isEqualTo(r.calibration().calibrated());
    for (GoldenRow g : r.goldenRows()) {
      assertThat(g.expectedProbability())
          .isCloseTo(Calibration.sigmoid(g.expectedRawScore()), within(1e-12));
    }
  }

  private static void report(String what, TrainingResult off, TrainingResult on) {
    StringBuilder s = new StringBuilder();
    if (off != null) {
      s.append(line(what + " uncalibrated", off));
    }
    s.append(line(what + " " + on.calibration().model().method(), on));
    s.append("  ").append(on.calibration().model().reason()).append('\n');
    System.out.print(s);
  }

  private static String line(String label, TrainingResult r) {
    Reliability before = r.calibration().uncalibrated();
    Reliability after = r.calibration().calibrated();
    return String.format(
        Locale.ROOT,
        "%-26s Brier %.4f→%.4f  ECE %.4f→%.4f  |p−truth| %.4f  AUC %.4f  thr %.3f  F1 %.3f%n",
        label,
        before.brierScore(),
        after.brierScore(),
        before.expectedCalibrationError(),
        after.expectedCalibrationError(),
        errorToTruth(r),
        r.modelEvaluation().rocAuc(),
        r.threshold(),
        r.modelEvaluation().f1());
  }
}
