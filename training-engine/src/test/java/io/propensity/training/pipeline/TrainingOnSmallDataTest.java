package io.propensity.training.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.training.pipeline.data.CsvOptions;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.data.SplitPart;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.split.SplitConfig;
import io.propensity.training.pipeline.tuning.SearchMethod;
import io.propensity.training.pipeline.tuning.Trial;
import io.propensity.training.pipeline.tuning.TuningConfig;
import io.propensity.training.pipeline.tuning.TuningResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a training run treats few, noisy or partly empty rows. */
class TrainingOnSmallDataTest {
  @TempDir Path dir;

  private static TuningConfig tuning(long seed, int trials) {
    return TuningConfig.defaults(seed)
        .withMethod(SearchMethod.TPE)
        .withBudget(trials, Duration.ofMinutes(10))
        .withParallelism(1)
        .withFolds(3)
        .withWarmupTrials(3);
  }

  private static TrainingResult run(TrainingRequest.Builder b) {
    return new TrainingPipeline()
        .run(b.shap(100, 20, 1).build(), ProgressListener.none(), CancellationToken.none());
  }

  @Test
  void theFinalModelTakesItsBoostingRoundsFromTheCrossValidationFolds() {
    Dataset d = SyntheticData.dataset(1500, 81, -1.8, 1, false);
    TrainingResult r =
        run(
            TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
                .seed(81)
                .tuning(tuning(81, 4))
                .boosting(BoostingSettings.defaults(81).withMaxIterations(400)));

    TuningResult t = r.tuning().orElseThrow();
    Trial best = t.best().orElseThrow();
    assertThat(best.foldIterations()).hasSize(t.folds());
    int refitRows = r.lineage().trainRows() + r.lineage().validationRows();
    assertThat(r.iterations()).isEqualTo(t.iterationsFor(refitRows).orElseThrow());
    int[] sorted = best.foldIterations().stream().mapToInt(Integer::intValue).sorted().toArray();
    double median = sorted[sorted.length / 2]; // 9 folds: odd
    assertThat(r.iterations()).isGreaterThanOrEqualTo((int) median);
    assertThat(r.lineage().notes())
        .anyMatch(n -> n.startsWith("boosting rounds from cross-validation"));
  }

  @Test
  void anUntunedRunUsesConservativeParametersScaledToTheTrainingRows() {
    Dataset d = SyntheticData.dataset(1000, 82, -1.8, 1, false);
    TrainingResult r =
        run(
            TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
                .seed(82)
                .fixedParameters(Map.of("lambda_l2", 4.0))
                .boosting(BoostingSettings.defaults(82).withMaxIterations(200)));

    int trainRows = r.lineage().trainRows();
    int trainPositives = (int) Math.round(r.lineage().trainPositiveRate() * trainRows);
    assertThat(r.hyperparameters())
        .isEqualTo(
            Hyperparameters.forData(trainRows, trainPositives).with(Map.of("lambda_l2", 4.0)));
    assertThat(r.params()).containsEntry("max_depth", "6").containsEntry("lambda_l2", "4");
  }

  @Test
  void constantFeaturesAreReportedLeftOutOfTheBaselineAndCarryNoSplit() {
    Dataset base = SyntheticData.dataset(2000, 83, -1.8, 6, true);
    List<String> names = new ArrayList<>(base.featureNames());
    names.addAll(List.of("price", "dwell", "rare"));
    List<FeatureKind> kinds = new ArrayList<>(base.kinds());
    kinds.addAll(List.of(FeatureKind.NUMERIC, FeatureKind.NUMERIC, FeatureKind.BOOLEAN));
    Dataset.Builder b = Dataset.builder(names, kinds, base.rowCount());
    for (int i = 0; i < base.rowCount(); i++) {
      double[] x = Arrays.copyOf(base.row(i), names.size());
      x[names.size() - 3] = Double.NaN; // a log without prices
      x[names.size() - 2] = 0; // nor dwell times
      x[names.size() - 1] = i == 0 ? 1 : 0; // one row of 2,000 (the earliest cutoff: training)
      b.add(x, base.label(i), base.cutoff(i).orElseThrow(), base.userId(i).orElseThrow());
    }
    Dataset d = b.build();

    TrainingResult r =
        run(
            TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
                .seed(83)
                .tuning(tuning(83, 3))
                .boosting(BoostingSettings.defaults(83).withMaxIterations(200)));

    assertThat(r.constantFeatures().constant()).containsExactly("price", "dwell");
    assertThat(r.constantFeatures().missing()).containsExactly("price");
    assertThat(r.constantFeatures().nearlyConstant()).containsExactly("rare");
    assertThat(r.lineage().notes())
        .contains(
            "missing in every training row (the data cannot feed them), left out of the baseline"
                + " and ignored by LightGBM: price",
            "constant in the training rows, left out of the baseline and ignored by LightGBM:"
                + " dwell")
        .anyMatch(n -> n.startsWith("almost constant in the training rows") && n.endsWith("rare"));
    assertThat(r.reportHtml()).contains("left out of the baseline and ignored by LightGBM");
    assertThat(r.baselineDescription()).contains("2 constant columns left out");
    // the model keeps the whole vector, as serving sends it, but never splits on the constants
    assertThat(r.featureNames()).endsWith("price", "dwell", "rare");
    Set<Integer> split = splitFeatures(r.modelText());
    assertThat(split).doesNotContain(names.indexOf("price"), names.indexOf("dwell"));
    assertThat(split).isNotEmpty();
  }

  @Test
  void testRowsNeverInfluenceTheThresholdOfAPredefinedSplit() {
    Dataset original = withParts(SyntheticData.dataset(1500, 84, -1.8, 1, false), false);
    Dataset tampered = withParts(original, true);

    TrainingResult a = runPredefined(original);
    TrainingResult t = runPredefined(tampered);

    assertThat(a.lineage().splitMethod()).isEqualTo(SplitConfig.SplitMode.PREDEFINED);
    assertThat(t.threshold()).isEqualTo(a.threshold());
    assertThat(t.thresholdChoice()).isEqualTo(a.thresholdChoice());
    assertThat(t.modelText()).isEqualTo(a.modelText());
    assertThat(t.lineage().notes()).isEqualTo(a.lineage().notes());
    // ...while the test evaluation does see the difference
    assertThat(t.modelEvaluation().rocAuc()).isLessThan(a.modelEvaluation().rocAuc());
  }

  /** Parts by row number; with {@code tamper}, test rows get flipped labels and scrambled x1–x3. */
  private static Dataset withParts(Dataset d, boolean tamper) {
    Dataset.Builder b = Dataset.builder(d.featureNames(), d.kinds(), d.rowCount());
    for (int i = 0; i < d.rowCount(); i++) {
      SplitPart part =
          i % 5 == 0 ? SplitPart.TEST : i % 5 == 1 ? SplitPart.VALIDATION : SplitPart.TRAIN;
      double[] x = d.row(i);
      boolean label = d.label(i);
      if (tamper && part == SplitPart.TEST) {
        x[0] = 1 - x[0];
        x[2] = -x[2];
        label = !label;
      }
      b.add(x, label, null, null, part);
    }
    return b.build();
  }

  private static TrainingResult runPredefined(Dataset d) {
    return run(
        TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
            .seed(84)
            .tuning(tuning(84, 3))
            .boosting(BoostingSettings.defaults(84).withMaxIterations(200)));
  }

  @Test
  void aCsvSplitColumnFixesTrainValidationAndTestRowsExactly() throws IOException {
    Path csv = SyntheticData.csv(dir, "rows.csv", 1200, 85, -1.8, 1);
    List<String> lines = Files.readAllLines(csv);
    List<String> out = new ArrayList<>();
    out.add(lines.get(0) + ",part");
    int[] counts = new int[3];
    for (int i = 1; i < lines.size(); i++) {
      int p = i % 6 == 0 ? 2 : i % 6 == 1 ? 1 : 0;
      counts[p]++;
      out.add(lines.get(i) + "," + List.of("Train", "validation", "TEST").get(p));
    }
    Files.write(csv, out);

    TrainingResult r =
        run(
            TrainingRequest.builder(
                    new TrainingSource.CsvFile(
                        csv,
                        CsvOptions.label("bought").ignore("user_id", "cutoff").splitColumn("part")))
                .seed(85)
                .split(SplitConfig.defaults(85))
                .boosting(BoostingSettings.defaults(85).withMaxIterations(100)));

    assertThat(r.lineage().splitMethod()).isEqualTo(SplitConfig.SplitMode.PREDEFINED);
    assertThat(r.lineage().trainRows()).isEqualTo(counts[0]);
    assertThat(r.lineage().validationRows()).isEqualTo(counts[1]);
    assertThat(r.lineage().testRows()).isEqualTo(counts[2]);
    assertThat(r.featureNames()).doesNotContain("part");
  }

  /** The feature indices the trees of a LightGBM text model split on. */
  private static Set<Integer> splitFeatures(String modelText) {
    return modelText
        .lines()
        .filter(l -> l.startsWith("split_feature="))
        .flatMap(l -> Arrays.stream(l.substring("split_feature=".length()).split(" ")))
        .filter(s -> !s.isBlank())
        .map(Integer::parseInt)
        .collect(Collectors.toSet());
  }
}
