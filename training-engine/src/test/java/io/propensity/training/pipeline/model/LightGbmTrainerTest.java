package io.propensity.training.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.metrics.Evaluator;
import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.SyntheticData;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.imbalance.FitData;
import io.propensity.training.pipeline.imbalance.ImbalanceHandler;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.imbalance.PreparedFold;
import io.propensity.training.pipeline.split.DataSplit;
import io.propensity.training.pipeline.split.SplitConfig;
import io.propensity.training.pipeline.split.Splitter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LightGbmTrainerTest {
  private final Dataset data = SyntheticData.dataset(3000, 31, -1.8, 1, false);
  private final DataSplit split = Splitter.split(data, SplitConfig.defaults(1));
  private final PreparedFold fold =
      ImbalanceHandler.prepare(
          data, split.train(), split.validation(), ImbalanceStrategy.none(), 1);

  @Test
  void stopsEarlyOnTheValidationMetricAndKeepsTheBestIteration() throws Exception {
    Hyperparameters fast = new Hyperparameters(31, 0.3, 20, 1.0, 1.0, 0, 0, 0);
    BoostingSettings s = new BoostingSettings(1000, 20, EarlyStoppingMetric.BINARY_LOGLOSS, 1, 5);
    List<Double> seen = new ArrayList<>();
    LightGbmFit fit =
        LightGbmTrainer.fit(
            fold,
            data.featureNames(),
            data.categoricalIndices(),
            fast,
            s,
            (i, n, v) -> seen.add(v),
            CancellationToken.none());
    assertThat(fit.iterationsRun()).isLessThan(1000).isEqualTo(fit.bestIteration() + 20);
    assertThat(fit.validationCurve()).hasSize(fit.iterationsRun()).isEqualTo(seen);
    assertThat(fit.bestValidationMetric())
        .isEqualTo(
            fit.validationCurve().stream().mapToDouble(Double::doubleValue).min().orElseThrow());
    try (LightGbmModel m = LightGbmModel.fromModelText(fit.modelText())) {
      assertThat(m.numTrees()).isEqualTo(fit.bestIteration());
      FitData test = FitData.of(data, split.test());
      double auc =
          Evaluator.evaluate(m.predictProbabilities(test.toRows()), test.labels(), 0.5).rocAuc();
      assertThat(auc).isGreaterThan(0.8);
    }
  }

  @Test
  void declaresCategoricalColumnsAndTheDeterminismSettings() {
    var params =
        LightGbmTrainer.boosterParams(
            fold.fit(),
            data.categoricalIndices(),
            Hyperparameters.defaults(),
            BoostingSettings.defaults(9));
    assertThat(params)
        .containsEntry("objective", "binary")
        .containsEntry("categorical_feature", "5")
        .containsEntry("deterministic", "true")
        .containsEntry("seed", "9")
        .containsEntry("verbosity", "-1")
        .containsEntry("num_threads", "1")
        .containsEntry("metric", "binary_logloss,auc");
  }

  @Test
  void theSameSeedGivesTheSameModel() {
    BoostingSettings s = new BoostingSettings(60, 10, EarlyStoppingMetric.AUC, 1, 5);
    Hyperparameters bagged = new Hyperparameters(15, 0.1, 10, 0.7, 0.7, 1, 0.1, 1);
    String a =
        LightGbmTrainer.fit(
                fold,
                data.featureNames(),
                data.categoricalIndices(),
                bagged,
                s,
                LightGbmTrainer.IterationListener.none(),
                CancellationToken.none())
            .modelText();
    String b =
        LightGbmTrainer.fit(
                fold,
                data.featureNames(),
                data.categoricalIndices(),
                bagged,
                s,
                LightGbmTrainer.IterationListener.none(),
                CancellationToken.none())
            .modelText();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void featureNamesAreMadeAcceptableToLightGbm() {
    assertThat(LightGbmTrainer.lightGbmFeatureNames(List.of("a b", "a:b", "ok_1", "\"x\"")))
        .containsExactly("a_b", "a_b_2", "ok_1", "_x_");
  }
}
