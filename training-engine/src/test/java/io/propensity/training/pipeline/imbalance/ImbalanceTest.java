package io.propensity.training.pipeline.imbalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.ProgressListener;
import io.propensity.training.pipeline.SyntheticData;
import io.propensity.training.pipeline.TrainingPipeline;
import io.propensity.training.pipeline.TrainingRequest;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.pipeline.TrainingSource;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.model.LightGbmTrainer;
import io.propensity.training.pipeline.split.DataSplit;
import io.propensity.training.pipeline.split.Fold;
import io.propensity.training.pipeline.split.SplitConfig;
import io.propensity.training.pipeline.split.Splitter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ImbalanceTest {
  private static final ImbalanceStrategy SMOTE = new ImbalanceStrategy.Smote(5, 1.0);

  @Test
  void smoteNeverTouchesValidationOrTestRows() {
    Dataset d = SyntheticData.dataset(3000, 21, -4.0, 1, false);
    long[][] before = snapshot(d);
    boolean[] labelsBefore = d.labels();
    DataSplit split = Splitter.split(d, SplitConfig.defaults(3));
    int[] train = split.train();
    int[] validation = split.validation();
    int[] test = split.test();

    PreparedFold pf = ImbalanceHandler.prepare(d, train, validation, SMOTE, 99);

    // the fitting rows: every original train row, bit for bit and in order, then synthetic minority
    // rows
    FitData fit = pf.fit();
    assertThat(fit.originalRows()).isEqualTo(train.length);
    assertThat(fit.syntheticRows()).isGreaterThan(0);
    for (int i = 0; i < train.length; i++) {
      assertThat(bits(fit.row(i))).isEqualTo(before[train[i]]);
      assertThat(fit.label(i)).isEqualTo(labelsBefore[train[i]]);
    }
    // validation: exactly the original rows, same count, byte-identical, nothing synthetic
    FitData valid = pf.validation();
    assertThat(valid.rows()).isEqualTo(validation.length);
    assertThat(valid.syntheticRows()).isZero();
    assertThat(valid.positiveWeight()).isEqualTo(1.0);
    for (int i = 0; i < validation.length; i++) {
      assertThat(bits(valid.row(i))).isEqualTo(before[validation[i]]);
      assertThat(valid.label(i)).isEqualTo(labelsBefore[validation[i]]);
    }
    // no synthetic row is, or replaced, a validation or test row
    Set<List<Long>> heldOut = new HashSet<>();
    IntStream.concat(Arrays.stream(validation), Arrays.stream(test))
        .forEach(i -> heldOut.add(boxed(before[i])));
    for (int s = fit.originalRows(); s < fit.rows(); s++) {
      assertThat(heldOut).doesNotContain(boxed(bits(fit.row(s))));
      assertThat(fit.label(s)).isTrue(); // positives are the minority here
    }
    // the dataset itself (and so every test row) is unchanged, and so are the split sizes
    assertThat(snapshot(d)).isDeepEqualTo(before);
    assertThat(d.labels()).isEqualTo(labelsBefore);
    assertThat(Splitter.split(d, SplitConfig.defaults(3)).test()).isEqualTo(test);

    // inside cross-validation: synthetic rows only in each fold's fitting part
    for (Fold f : Splitter.folds(d, train, 4, false, 5)) {
      PreparedFold cv = ImbalanceHandler.prepare(d, f.fit(), f.validate(), SMOTE, 7);
      assertThat(cv.fit().syntheticRows()).isGreaterThan(0);
      assertThat(cv.validation().rows()).isEqualTo(f.validate().length);
      for (int i = 0; i < f.validate().length; i++) {
        assertThat(bits(cv.validation().row(i))).isEqualTo(before[f.validate()[i]]);
      }
    }

    // and through the whole pipeline: test rows scored = test split, dataset unchanged
    TrainingResult r =
        new TrainingPipeline()
            .run(
                TrainingRequest.builder(new TrainingSource.InMemory(d, "synthetic", "label"))
                    .seed(3)
                    .imbalance(SMOTE)
                    .boosting(BoostingSettings.defaults(3).withMaxIterations(150))
                    .shap(200, 50, 1)
                    .build(),
                ProgressListener.none(),
                CancellationToken.none());
    assertThat(r.lineage().testRows()).isEqualTo(test.length);
    assertThat(r.modelEvaluation().rows()).isEqualTo(test.length);
    assertThat(r.lineage().syntheticRows()).isGreaterThan(0);
    assertThat(snapshot(d)).isDeepEqualTo(before);
  }

  @Test
  void smoteReachesTheTargetRatioWithPlausibleRows() {
    Dataset d = SyntheticData.dataset(2000, 22, -4.0, 1, false);
    int[] rows = IntStream.range(0, d.rowCount()).toArray();
    FitData fit = Smote.resample(d, rows, 5, 0.5, 1);
    int pos = fit.positives();
    int neg = fit.rows() - pos;
    assertThat((double) pos / neg).isCloseTo(0.5, within(0.002));
    // synthetic numeric values stay inside the minority's range; categorical and boolean are copied
    int[] minority = Arrays.stream(rows).filter(d::label).toArray();
    for (int f = 0; f < d.featureCount(); f++) {
      int ff = f;
      double[] vals =
          Arrays.stream(minority)
              .mapToDouble(i -> d.value(i, ff))
              .filter(v -> !Double.isNaN(v))
              .toArray();
      double lo = Arrays.stream(vals).min().orElseThrow();
      double hi = Arrays.stream(vals).max().orElseThrow();
      Set<Double> seen = new HashSet<>();
      Arrays.stream(vals).forEach(seen::add);
      for (int s = fit.originalRows(); s < fit.rows(); s++) {
        double v = fit.value(s, f);
        if (Double.isNaN(v)) {
          continue;
        }
        assertThat(v).isBetween(lo, hi);
        if (d.kind(f) != FeatureKind.NUMERIC) {
          assertThat(seen).contains(v);
        }
      }
    }
    // seeded: the same call gives the same rows
    assertThat(Smote.resample(d, rows, 5, 0.5, 1).values()).isEqualTo(fit.values());
  }

  @Test
  void classWeightsSetScalePosWeightToNegativesOverPositives() {
    Dataset d = SyntheticData.dataset(1000, 23, -4.0, 1, false);
    int[] rows = IntStream.range(0, d.rowCount()).toArray();
    int pos = d.positiveCount();
    FitData weighted = ImbalanceHandler.prepareFit(d, rows, ImbalanceStrategy.classWeights(), 1);
    assertThat(weighted.positiveWeight()).isEqualTo((double) (d.rowCount() - pos) / pos);
    assertThat(weighted.syntheticRows()).isZero();
    var params =
        LightGbmTrainer.boosterParams(
            weighted, new int[0], Hyperparameters.defaults(), BoostingSettings.defaults(1));
    assertThat(Double.parseDouble(params.get("scale_pos_weight")))
        .isCloseTo((double) (d.rowCount() - pos) / pos, within(1e-4));
    FitData plain = ImbalanceHandler.prepareFit(d, rows, ImbalanceStrategy.none(), 1);
    assertThat(
            LightGbmTrainer.boosterParams(
                plain, new int[0], Hyperparameters.defaults(), BoostingSettings.defaults(1)))
        .doesNotContainKey("scale_pos_weight");
  }

  private static long[][] snapshot(Dataset d) {
    long[][] out = new long[d.rowCount()][];
    for (int i = 0; i < d.rowCount(); i++) {
      out[i] = bits(d.row(i));
    }
    return out;
  }

  private static long[] bits(double[] row) {
    return Arrays.stream(row).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  private static List<Long> boxed(long[] a) {
    return Arrays.stream(a).boxed().toList();
  }
}
