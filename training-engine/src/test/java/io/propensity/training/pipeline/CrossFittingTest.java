package io.propensity.training.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.tuning.SearchMethod;
import io.propensity.training.pipeline.tuning.TuningConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Where the calibration and the threshold are fitted: on out-of-fold scores of the train +
 * validation rows when the served model is refitted on them, on the validation rows when it is not.
 */
class CrossFittingTest {

  private static TrainingResult run(TrainingRequest.Builder b) {
    return new TrainingPipeline()
        .run(b.shap(50, 10, 0).build(), ProgressListener.none(), CancellationToken.none());
  }

  private static TrainingRequest.Builder request(Dataset d, long seed) {
    return TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
        .seed(seed)
        .imbalance(ImbalanceStrategy.classWeights())
        .calibration(CalibrationMethod.AUTO)
        .boosting(BoostingSettings.defaults(seed).withMaxIterations(300));
  }

  @Test
  void aRefittedModelIsCalibratedOnOutOfFoldScoresThatTransferToTheTestRows() {
    Dataset d = SyntheticData.dataset(6000, 401, -4.0, 1, false);
    TrainingResult r =
        run(
            request(d, 401)
                .tuning(
                    TuningConfig.defaults(401)
                        .withMethod(SearchMethod.TPE)
                        .withBudget(4, Duration.ofMinutes(10))
                        .withParallelism(1)
                        .withFolds(3)
                        .withWarmupTrials(3)));

    Lineage l = r.lineage();
    // stratified 3-fold: every train + validation row scored once, by a model that never saw it
    assertThat(r.calibration().model().rows()).isEqualTo(l.trainRows() + l.validationRows());
    assertThat(l.notes())
        .anyMatch(
            n ->
                n.startsWith(
                    "calibration and threshold from out-of-fold scores of "
                        + (l.trainRows() + l.validationRows())
                        + " training + validation rows"));
    // class weights inflate the model's own probabilities; the cross-fitted calibration brings the
    // refitted model's test probabilities back, and the threshold chosen on the held-out rows
    // does on the test rows what it did where it was chosen
    double before = r.calibration().uncalibrated().expectedCalibrationError();
    double after = r.calibration().calibrated().expectedCalibrationError();
    System.out.printf(
        "cross-fitted: test ECE %.4f -> %.4f; F1 held-out %.4f, test %.4f%n",
        before, after, r.thresholdChoice().score(), r.modelEvaluation().f1());
    assertThat(before).isGreaterThan(0.05);
    assertThat(after).isLessThan(0.03).isLessThan(before / 2);
    assertThat(r.modelEvaluation().f1()).isCloseTo(r.thresholdChoice().score(), within(0.05));
  }

  @Test
  void withoutTheRefitTheValidationRowsCalibrateTheModelFittedOnTheTrainingRows() {
    Dataset d = SyntheticData.dataset(3000, 402, -2.0, 1, false);
    TrainingResult r = run(request(d, 402).refitOnTrainAndValidation(false));

    assertThat(r.calibration().model().rows()).isEqualTo(r.lineage().validationRows());
    assertThat(r.lineage().notes()).noneMatch(n -> n.contains("out-of-fold"));
  }

  @Test
  void rowsSplitByTimeAreCalibratedOnTheirLatestPeriodNotCrossFitted() {
    // 8 monthly cutoffs, split by time: the validation rows are the latest period before the test
    Dataset d = SyntheticData.dataset(4000, 403, -2.0, 8, true);
    TrainingResult r = run(request(d, 403));

    assertThat(r.calibration().model().rows()).isEqualTo(r.lineage().validationRows());
    assertThat(r.lineage().notes())
        .anyMatch(n -> n.contains("rows split by time are not cross-fitted"))
        .noneMatch(n -> n.contains("out-of-fold"));
  }
}
