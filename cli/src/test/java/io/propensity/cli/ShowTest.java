package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import propensity.registry.v1.BootstrapUnit;
import propensity.registry.v1.ConfidenceInterval;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.MetricIntervals;
import propensity.registry.v1.ModelComparison;
import propensity.registry.v1.ReferenceEvaluation;
import propensity.registry.v1.ReferenceStatus;
import propensity.training.v1.EvaluationSummary;
import propensity.training.v1.MetricSummary;
import propensity.training.v1.RuleSummary;

class ShowTest {
  private static final String VERDICT =
      "LightGBM does not beat the logistic baseline by more than the 95% interval: ROC-AUC +0.004"
          + " [−0.006, +0.013], PR-AUC +0.001 [−0.010, +0.012]";

  private static ConfidenceInterval ci(double estimate, double lower, double upper) {
    return ConfidenceInterval.newBuilder()
        .setEstimate(estimate)
        .setLower(lower)
        .setUpper(upper)
        .build();
  }

  @Test
  void intervalsReadAsValueAndBoundsWithTrueMinusSigns() {
    assertThat(Show.interval(ci(0.812, 0.791, 0.83))).isEqualTo("0.812 [0.791, 0.830]");
    assertThat(Show.difference(ci(0.004, -0.006, 0.013))).isEqualTo("+0.004 [−0.006, +0.013]");
    assertThat(
            Show.intervals(
                "LightGBM",
                MetricIntervals.newBuilder()
                    .setRocAuc(ci(0.8, 0.78, 0.82))
                    .setLogLoss(ci(0.3, 0.29, 0.31))
                    .build(),
                false))
        .contains("ROC-AUC 0.800 [0.780, 0.820]  log loss 0.300 [0.290, 0.310]")
        .doesNotContain("PR-AUC");
    assertThat(Show.intervals("x", MetricIntervals.getDefaultInstance(), true)).isEmpty();
  }

  @Test
  void aJobsEvaluationShowsIntervalsRulesAndTheVerdict() {
    EvaluationSummary e =
        EvaluationSummary.newBuilder()
            .setModel(
                MetricSummary.newBuilder()
                    .setIntervals(MetricIntervals.newBuilder().setRocAuc(ci(0.65, 0.6, 0.7))))
            .setBaseline(
                MetricSummary.newBuilder()
                    .setIntervals(MetricIntervals.newBuilder().setRocAuc(ci(0.646, 0.6, 0.69))))
            .setBaselineDifference(MetricIntervals.newBuilder().setRocAuc(ci(0.004, -0.006, 0.013)))
            .setVerdict(VERDICT)
            .setIntervalMethod("1000 resamples of 412 users, 95% percentile intervals, seed 42")
            .addRules(
                RuleSummary.newBuilder()
                    .setName("bought_in_last_30d")
                    .setDescription("bought in the last 30 days")
                    .setStatus(ReferenceStatus.REFERENCE_STATUS_EVALUATED)
                    .setMetrics(
                        MetricSummary.newBuilder()
                            .setIntervals(
                                MetricIntervals.newBuilder().setRocAuc(ci(0.55, 0.52, 0.58))))
                    .setModelDifference(
                        MetricIntervals.newBuilder().setRocAuc(ci(0.1, 0.05, 0.15))))
            .addRules(
                RuleSummary.newBuilder()
                    .setDescription("carted and did not buy")
                    .setStatus(ReferenceStatus.REFERENCE_STATUS_NOT_APPLICABLE)
                    .setNote("the data has no cart columns"))
            .build();

    String text = String.join("\n", Show.comparison(e));

    assertThat(text)
        .contains("confidence intervals: 1000 resamples of 412 users")
        .contains("ROC-AUC 0.650 [0.600, 0.700]")
        .contains("LightGBM − baseline  ROC-AUC +0.004 [−0.006, +0.013]")
        .contains("bought in the last 30 days ROC-AUC 0.550 [0.520, 0.580]")
        .contains("carted and did not buy not evaluated: the data has no cart columns")
        .endsWith("verdict: " + VERDICT);
    assertThat(Show.comparison(EvaluationSummary.getDefaultInstance())).isEmpty();
  }

  @Test
  void aVersionsComparisonSaysHowTheIntervalsWereDrawn() {
    ModelComparison c =
        ModelComparison.newBuilder()
            .setBootstrapResamples(1000)
            .setConfidenceLevel(0.95)
            .setBootstrapSeed(7)
            .setBootstrapUnit(BootstrapUnit.BOOTSTRAP_UNIT_USER)
            .setBootstrapUnitCount(1234)
            .setBaselineDifference(MetricIntervals.newBuilder().setPrAuc(ci(0.03, 0.01, 0.05)))
            .setVerdict(VERDICT)
            .addReferenceEvaluations(
                ReferenceEvaluation.newBuilder()
                    .setDescription("carted and did not buy")
                    .setStatus(ReferenceStatus.REFERENCE_STATUS_NEVER_FIRES)
                    .setNote("no training row has a cart without a purchase"))
            .build();
    Evaluation model =
        Evaluation.newBuilder()
            .setModelKind("lightgbm")
            .setIntervals(MetricIntervals.newBuilder().setF1(ci(0.4, 0.35, 0.45)))
            .build();

    String text =
        String.join("\n", Show.comparison(model, Evaluation.getDefaultInstance(), false, c));

    assertThat(text)
        .startsWith(
            "confidence intervals: 1000 bootstrap resamples of 1,234 users (all rows of a user"
                + " drawn together), 95% percentile intervals, seed 7")
        .contains(String.format("%-20s F1 0.400 [0.350, 0.450]", "lightgbm"))
        .contains(String.format("%-20s PR-AUC +0.030 [+0.010, +0.050]", "model − baseline"))
        .contains("not evaluated: no training row has a cart without a purchase")
        .endsWith("verdict: " + VERDICT);
  }

  @Test
  void aModelsFeatureSourceSaysWhatItScores() {
    assertThat(Show.featureSource(propensity.features.v1.FeatureSource.FEATURE_SOURCE_PROVIDED))
        .isEqualTo(
            "PROVIDED (the team's own features): scores rows you send: predict --features-file");
    assertThat(Show.featureSource(propensity.features.v1.FeatureSource.FEATURE_SOURCE_ENGINE))
        .startsWith("ENGINE")
        .contains("predict --user");
  }
}
