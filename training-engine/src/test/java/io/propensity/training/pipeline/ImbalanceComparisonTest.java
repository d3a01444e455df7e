package io.propensity.training.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.model.BoostingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Baseline vs LightGBM under each imbalance strategy on a rare (~14 %) nonlinear target. */
class ImbalanceComparisonTest {

  @Test
  void everyStrategyLearnsTheRareSignalAndLightGbmBeatsTheBaseline() {
    Dataset d = SyntheticData.dataset(5000, 91, -4.6, 1, false);
    StringBuilder table =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%nrows %d, positive rate %.3f%n%-22s %8s %8s %8s %8s %8s%n",
                d.rowCount(),
                (double) d.positiveCount() / d.rowCount(),
                "strategy",
                "LGBM AUC",
                "LGBM PR",
                "LGBM F1",
                "base AUC",
                "base F1"));
    List<TrainingResult> results = new ArrayList<>();
    List<ImbalanceStrategy> strategies =
        List.of(
            ImbalanceStrategy.none(), ImbalanceStrategy.classWeights(), ImbalanceStrategy.smote());
    for (ImbalanceStrategy s : strategies) {
      TrainingResult r =
          new TrainingPipeline()
              .run(
                  TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
                      .seed(91)
                      .imbalance(s)
                      .boosting(BoostingSettings.defaults(91).withMaxIterations(300))
                      .shap(200, 50, 1)
                      .build(),
                  ProgressListener.none(),
                  CancellationToken.none());
      results.add(r);
      BinaryEvaluation m = r.modelEvaluation();
      BinaryEvaluation b = r.baselineEvaluation();
      table.append(
          String.format(
              Locale.ROOT,
              "%-22s %8.4f %8.4f %8.4f %8.4f %8.4f  (%d iterations, %s)%n",
              s.describe(),
              m.rocAuc(),
              m.prAuc(),
              m.f1(),
              b.rocAuc(),
              b.f1(),
              r.iterations(),
              r.timings().get(Stage.TRAINING)));
    }
    System.out.println(table);
    for (int i = 0; i < strategies.size(); i++) {
      BinaryEvaluation m = results.get(i).modelEvaluation();
      assertThat(m.rocAuc()).as(strategies.get(i).describe()).isGreaterThan(0.75);
      assertThat(m.rocAuc())
          .as(strategies.get(i).describe())
          .isGreaterThan(results.get(i).baselineEvaluation().rocAuc());
    }
  }
}
