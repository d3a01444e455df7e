package io.propensity.training.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ScoringModel;
import io.propensity.runtime.calibration.CalibratedModel;
import io.propensity.runtime.drift.DriftReference;
import io.propensity.runtime.drift.DriftReferenceText;
import io.propensity.runtime.metrics.BootstrapResult;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.training.pipeline.comparison.ModelComparison;
import io.propensity.training.pipeline.comparison.RuleResult;
import io.propensity.training.pipeline.data.CsvOptions;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.split.SplitConfig;
import io.propensity.training.pipeline.tuning.SearchMethod;
import io.propensity.training.pipeline.tuning.Trial;
import io.propensity.training.pipeline.tuning.TuningConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPipelineTest {
  @TempDir Path dir;

  private static TuningConfig smallTuning(long seed) {
    return TuningConfig.defaults(seed)
        .withMethod(SearchMethod.TPE)
        // the trial budget, not the clock, ends tuning, and one trial at a time makes TPE's
        // proposals
        // (and so the model) independent of which parallel trial finishes first
        .withBudget(5, Duration.ofMinutes(10))
        .withParallelism(1)
        .withFolds(3)
        .withWarmupTrials(3);
  }

  @Test
  void endToEndOnASyntheticCsvBeatsTheBaseRateAndTheBaseline() throws Exception {
    Path csv = SyntheticData.csv(dir, "train.csv", 3000, 51, -1.8, 8);
    TrainingRequest request =
        TrainingRequest.builder(
                new TrainingSource.CsvFile(
                    csv, CsvOptions.label("bought").cutoff("cutoff").userId("user_id")))
            .target("purchase_30d")
            .seed(51)
            .tuning(smallTuning(51))
            .boosting(BoostingSettings.defaults(51).withMaxIterations(300))
            .build();
    List<Progress> progress = new CopyOnWriteArrayList<>();

    TrainingResult r = new TrainingPipeline().run(request, progress::add, CancellationToken.none());

    assertThat(r.featureNames()).containsExactly("x1", "x2", "x3", "x4", "x5", "device", "member");
    assertThat(r.featureKinds())
        .containsExactly(
            FeatureKind.NUMERIC,
            FeatureKind.NUMERIC,
            FeatureKind.NUMERIC,
            FeatureKind.NUMERIC,
            FeatureKind.NUMERIC,
            FeatureKind.CATEGORICAL,
            FeatureKind.BOOLEAN);
    assertThat(r.vocabularies().get("device").values())
        .containsExactly("(missing)", "desktop", "mobile", "tablet", "tv");
    // the model learnt the signal, including the XOR a linear model cannot see
    assertThat(r.modelEvaluation().rocAuc()).isGreaterThan(0.75);
    assertThat(r.modelEvaluation().rocAuc())
        .isGreaterThanOrEqualTo(r.baselineEvaluation().rocAuc());
    assertThat(r.modelEvaluation().f1()).isGreaterThanOrEqualTo(r.baselineEvaluation().f1());
    assertThat(r.importances().subList(0, 3)).extracting(i -> i.feature()).contains("x1", "x2");
    // time split: the test set is the latest cutoffs
    Lineage l = r.lineage();
    assertThat(l.splitMethod()).isEqualTo(SplitConfig.SplitMode.TIME);
    assertThat(l.trainRows() + l.validationRows() + l.testRows()).isEqualTo(3000);
    assertThat(l.lastTrainCutoff().orElseThrow()).isBefore(l.testCutoffs().get(0));
    // the lineage names every cutoff of the data, of which the test cutoffs are the latest
    assertThat(l.cutoffs()).isSorted().doesNotHaveDuplicates().containsAll(l.testCutoffs());
    assertThat(l.cutoffs()).hasSizeGreaterThan(l.testCutoffs().size());
    assertThat(l.cutoffs().get(0)).isEqualTo(l.firstCutoff().orElseThrow());
    assertThat(r.modelEvaluation().rows()).isEqualTo(l.testRows());
    // tuning ran and every trial is in the result
    assertThat(r.tuning().orElseThrow().trials()).hasSize(5);
    assertThat(r.tuning().orElseThrow().best().orElseThrow().params())
        .isEqualTo(r.hyperparameters());
    // golden rows are reproduced by model-runtime from the stored model text and calibration
    assertThat(r.goldenRows()).hasSize(20);
    try (LightGbmModel m = LightGbmModel.fromModelText(r.modelText())) {
      ScoringModel served = CalibratedModel.of(m, r.calibration().model().calibration());
      for (GoldenRow g : r.goldenRows()) {
        assertThat(served.predictProbability(g.features()))
            .isCloseTo(g.expectedProbability(), within(1e-12));
        assertThat(g.userId()).isPresent();
        assertThat(g.cutoff().orElseThrow()).isAfter(l.lastTrainCutoff().orElseThrow());
      }
    }
    assertThat(r.threshold()).isEqualTo(r.thresholdChoice().threshold()).isBetween(0.0, 1.0);
    assertThat(r.iterations()).isPositive();
    // how sure: intervals by user (a user has rows at several cutoffs), around the test metrics
    ModelComparison c = r.comparison();
    assertThat(c.bootstrap().unit()).isEqualTo(BootstrapResult.Unit.CLUSTERS);
    assertThat(c.bootstrap().settings().resamples()).isEqualTo(1000);
    assertThat(c.model(IntervalMetric.ROC_AUC).estimate())
        .isCloseTo(r.modelEvaluation().rocAuc(), within(1e-12));
    assertThat(c.baseline(IntervalMetric.PR_AUC).estimate())
        .isCloseTo(r.baselineEvaluation().prAuc(), within(1e-12));
    assertThat(c.model(IntervalMetric.F1).estimate())
        .isCloseTo(r.modelEvaluation().f1(), within(1e-12));
    assertThat(c.model(IntervalMetric.ROC_AUC).contains(r.modelEvaluation().rocAuc())).isTrue();
    assertThat(c.modelMinusBaseline(IntervalMetric.ROC_AUC).estimate())
        .isCloseTo(r.modelEvaluation().rocAuc() - r.baselineEvaluation().rocAuc(), within(1e-12));
    // the baseline cannot see the XOR: the model beats it by more than the interval
    assertThat(c.verdict().beatsBaseline()).as(c.verdict().text()).isTrue();
    // a table of its own has none of feature-engine's features: no rule applies
    assertThat(c.rules())
        .extracting(RuleResult::status)
        .containsOnly(RuleResult.Status.NOT_APPLICABLE);
    assertThat(r.reportHtml()).contains(c.verdict().text().substring(0, 40));
    // progress: every stage, in order, percent never going back
    List<Stage> stages = new ArrayList<>();
    double last = -1;
    for (Progress p : progress) {
      if (stages.isEmpty() || stages.get(stages.size() - 1) != p.stage()) {
        stages.add(p.stage());
      }
      if (p.trial() == 0) { // concurrent trials may report slightly out of order
        assertThat(p.percent()).isGreaterThanOrEqualTo(last - 1e-9);
        last = p.percent();
      }
    }
    assertThat(stages).containsExactly(Stage.values());
    assertThat(progress.get(progress.size() - 1).percent()).isEqualTo(100.0);
    assertThat(r.timings().keySet()).containsExactly(Stage.values());
    assertThat(r.reportHtml()).startsWith("<!DOCTYPE html>").contains("<svg");
    // the drift reference travels in the report: every feature, training rows only
    DriftReference reference = DriftReferenceText.extract(r.reportHtml()).orElseThrow();
    assertThat(reference.features()).extracting(f -> f.name()).isEqualTo(r.featureNames());
    assertThat(reference.rows()).isEqualTo(r.lineage().trainRows());
    assertThat(reference.scoreRows()).isEqualTo(r.lineage().testRows());
    assertThat(java.util.Arrays.stream(reference.score().shares()).sum())
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void thresholdIsChosenOnValidationOnlyAndTestRowsInfluenceNothingBeforeEvaluation() {
    Dataset original = SyntheticData.dataset(2000, 61, -1.8, 6, true);
    // same rows, but every row of the latest cutoff (the test set) gets a flipped label and
    // scrambled features
    Instant last = original.cutoff(0).orElseThrow();
    for (int i = 0; i < original.rowCount(); i++) {
      if (original.cutoff(i).orElseThrow().isAfter(last)) {
        last = original.cutoff(i).orElseThrow();
      }
    }
    Dataset.Builder b =
        Dataset.builder(original.featureNames(), original.kinds(), original.rowCount());
    for (int i = 0; i < original.rowCount(); i++) {
      boolean test = original.cutoff(i).orElseThrow().equals(last);
      double[] x = original.row(i);
      if (test) {
        x[0] = 1 - x[0];
        x[2] = -x[2];
      }
      b.add(
          x,
          test != original.label(i),
          original.cutoff(i).orElseThrow(),
          original.userId(i).orElse(null));
    }
    Dataset tampered = b.build();
    SplitConfig split = new SplitConfig(SplitConfig.SplitMode.TIME, 0.15, 0.2, Duration.ZERO, 61);
    TrainingResult a = run(original, split);
    TrainingResult t = run(tampered, split);

    assertThat(a.lineage().testCutoffs()).containsExactly(last);
    assertThat(t.threshold()).isEqualTo(a.threshold());
    assertThat(t.thresholdChoice()).isEqualTo(a.thresholdChoice());
    assertThat(t.modelText()).isEqualTo(a.modelText());
    assertThat(t.tuning().orElseThrow().trials())
        .extracting(Trial::cvMean)
        .isEqualTo(a.tuning().orElseThrow().trials().stream().map(Trial::cvMean).toList());
    // ...while the test evaluation does see the difference
    assertThat(t.modelEvaluation().rocAuc()).isLessThan(a.modelEvaluation().rocAuc());
  }

  private static TrainingResult run(Dataset d, SplitConfig split) {
    TrainingRequest req =
        TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
            .seed(61)
            .split(split)
            .tuning(smallTuning(61).withBudget(3, Duration.ofMinutes(5)).withParallelism(1))
            .boosting(BoostingSettings.defaults(61).withMaxIterations(150))
            .shap(100, 20, 1)
            .build();
    return new TrainingPipeline().run(req, ProgressListener.none(), CancellationToken.none());
  }

  @Test
  void cancellationStopsTheRunBetweenIterations() {
    Dataset d = SyntheticData.dataset(3000, 71, -1.8, 1, false);
    CancellationToken cancel = new CancellationToken();
    List<Progress> seen = new CopyOnWriteArrayList<>();
    ProgressListener listener =
        p -> {
          seen.add(p);
          if (p.stage() == Stage.TRAINING && p.iteration() >= 5) {
            cancel.cancel();
          }
        };
    TrainingRequest req =
        TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
            .boosting(BoostingSettings.defaults(1).withMaxIterations(5000))
            .build();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> new TrainingPipeline().run(req, listener, cancel))
        .isInstanceOf(CancelledException.class)
        .hasMessage("training was cancelled");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    assertThat(
            seen.stream()
                .filter(p -> p.stage() == Stage.TRAINING)
                .mapToInt(Progress::iteration)
                .max()
                .orElseThrow())
        .isEqualTo(5);
    assertThat(seen).noneMatch(p -> p.stage() == Stage.EVALUATING);
  }

  @Test
  void aCancelledTokenStopsTheRunBeforeItStarts() {
    CancellationToken cancel = new CancellationToken();
    cancel.cancel();
    TrainingRequest req =
        TrainingRequest.builder(
                new TrainingSource.InMemory(
                    SyntheticData.dataset(500, 1, -1.8, 1, false), "synthetic", "label"))
            .build();
    assertThatThrownBy(() -> new TrainingPipeline().run(req, ProgressListener.none(), cancel))
        .isInstanceOf(CancelledException.class);
  }

  @Test
  void badDataFailsFastWithAnActionableMessage() throws Exception {
    Path csv = dir.resolve("tiny.csv");
    java.nio.file.Files.writeString(csv, "x,bought\n1,true\n2,false\n3,true\n4,false\n");
    TrainingRequest req =
        TrainingRequest.builder(new TrainingSource.CsvFile(csv, CsvOptions.label("bought")))
            .tuning(TuningConfig.defaults(1))
            .build();
    assertThatThrownBy(
            () ->
                new TrainingPipeline().run(req, ProgressListener.none(), CancellationToken.none()))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage(
            "only 4 rows, fewer than the 5 cross-validation folds: lower the folds to 4 (--folds"
                + " 4), train without tuning (--trials 0), or add rows to the file");
  }
}
