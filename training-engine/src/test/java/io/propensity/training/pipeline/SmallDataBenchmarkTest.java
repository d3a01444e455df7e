package io.propensity.training.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.tuning.SearchMethod;
import io.propensity.training.pipeline.tuning.TuningConfig;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * On about 2,000 noisy rows with a known nonlinear signal, tuned LightGBM must rank the test rows
 * at least as well as the logistic-regression baseline: the baseline sees the linear part of the
 * signal perfectly, so LightGBM only wins if tuning regularises it enough not to fit the noise
 * columns. Seeds are fixed, so the comparison is reproducible; it is a real comparison, not a bound
 * built to pass (an overfitting search loses it).
 */
class SmallDataBenchmarkTest {

  private static TrainingResult train(Dataset d, Duration labelHorizon, long seed) {
    TrainingRequest request =
        TrainingRequest.builder(
                new TrainingSource.InMemory(d, "small noisy synthetic", "label", labelHorizon))
            .seed(seed)
            .tuning(
                TuningConfig.defaults(seed)
                    .withMethod(SearchMethod.TPE)
                    .withBudget(20, Duration.ofMinutes(10))
                    .withParallelism(1) // one trial at a time: the seed fixes the search
                    .withFolds(3))
            .boosting(BoostingSettings.defaults(seed).withMaxIterations(500))
            .shap(100, 20, 1)
            .build();
    TrainingResult r =
        new TrainingPipeline().run(request, ProgressListener.none(), CancellationToken.none());
    System.out.printf(
        Locale.ROOT,
        "%s: %d rows (train %d, test %d), test ROC-AUC LightGBM %.4f vs baseline %.4f,"
            + " PR-AUC %.4f vs %.4f, %d iterations, %s%n",
        d.hasCutoffs() ? "time-ordered" : "table",
        d.rowCount(),
        r.lineage().trainRows(),
        r.lineage().testRows(),
        r.modelEvaluation().rocAuc(),
        r.baselineEvaluation().rocAuc(),
        r.modelEvaluation().prAuc(),
        r.baselineEvaluation().prAuc(),
        r.iterations(),
        r.hyperparameters());
    return r;
  }

  @Test
  void tunedLightGbmRanksAtLeastAsWellAsTheBaselineOnASmallNoisyTable() {
    TrainingResult r = train(SmallNoisyData.dataset(2000, 2024, 0), Duration.ZERO, 7);

    assertThat(r.modelEvaluation().rocAuc())
        .isGreaterThanOrEqualTo(r.baselineEvaluation().rocAuc());
  }

  @Test
  void tunedLightGbmRanksAtLeastAsWellAsTheBaselineOnSmallNoisyTimeOrderedRows() {
    TrainingResult r = train(SmallNoisyData.dataset(2000, 2025, 8), Duration.ofDays(31), 11);

    assertThat(r.modelEvaluation().rocAuc())
        .isGreaterThanOrEqualTo(r.baselineEvaluation().rocAuc());
  }
}
