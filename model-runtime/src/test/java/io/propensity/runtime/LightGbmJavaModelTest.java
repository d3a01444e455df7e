package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.runtime.calibration.CalibratedModel;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.explain.Factor;
import io.propensity.runtime.explain.TopFactors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure-Java model against {@link LightGbmModel} (LightGBM's own natives) on the same model
 * texts: probabilities and raw scores to 1e-12, SHAP to 1e-9, on rows with NaN, ±0, ±∞, huge and
 * tiny values and unseen categories.
 */
class LightGbmJavaModelTest {

  private static final double[] SPECIAL = {
    Double.NaN,
    0.0,
    -0.0,
    1e-36,
    -1e-36,
    1e-300,
    -1e6,
    1e6,
    1e30,
    -1e30,
    Double.MAX_VALUE,
    Double.NEGATIVE_INFINITY,
    Double.POSITIVE_INFINITY
  };

  /** A model text, how many features it reads, and which of them hold category codes. */
  record Case(String name, String text, int features, int[] categorical) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Trained once for every test of the class. */
  private static final class Cases {
    static final List<Case> ALL =
        List.of(
            new Case("30 trees, NaN in f3", TrainedModels.smallBinary(), 5, new int[0]),
            categoricalCase(),
            new Case(
                "100 trees x 31 leaves",
                TrainedModels.binary(
                    TrainedModels.data(2_000, 12, 5),
                    100,
                    "num_leaves=31 min_data_in_leaf=10 " + TrainedModels.DETERMINISTIC),
                12,
                new int[0]));
  }

  static Stream<Arguments> models() {
    return Cases.ALL.stream().map(Arguments::of);
  }

  /**
   * Two categorical features (one with 40 codes, so splits use multi-word bitsets), zeros missing.
   */
  private static Case categoricalCase() {
    Random random = new Random(77);
    TrainedModels.Data base = TrainedModels.data(1_500, 6, 9);
    double[][] rows = base.rows();
    float[] labels = base.labels();
    for (int r = 0; r < rows.length; r++) {
      rows[r][4] = random.nextInt(40);
      rows[r][5] = random.nextDouble() < 0.1 ? Double.NaN : random.nextInt(5);
      if (rows[r][4] % 3 == 0) {
        labels[r] = 1f - labels[r] * (random.nextDouble() < 0.5 ? 1f : 0f);
      }
      if (random.nextDouble() < 0.15) {
        rows[r][1] = 0.0;
      }
    }
    String text =
        TrainedModels.binary(
            new TrainedModels.Data(rows, labels, base.names()),
            40,
            "num_leaves=15 min_data_in_leaf=5 min_data_per_group=5 cat_smooth=1"
                + " categorical_feature=4,5 max_cat_to_onehot=4 zero_as_missing=true "
                + TrainedModels.DETERMINISTIC);
    return new Case("categorical, zero as missing", text, 6, new int[] {4, 5});
  }

  private static double[][] rows(Case c, int count, long seed) {
    Random random = new Random(seed);
    double[][] rows = new double[count][c.features()];
    for (double[] row : rows) {
      for (int f = 0; f < row.length; f++) {
        row[f] =
            random.nextDouble() < 0.25
                ? SPECIAL[random.nextInt(SPECIAL.length)]
                : 2 * random.nextGaussian();
      }
      for (int f : c.categorical()) {
        // seen codes mostly, and unseen, negative and fractional ones
        row[f] = random.nextDouble() < 0.8 ? random.nextInt(45) : row[f];
      }
    }
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void scoresAndExplainsLikeLightGbmOnTheSameText(Case c) throws ModelLoadException {
    double[][] rows = rows(c, 2_000, c.text().length());
    try (LightGbmModel natives =
            LightGbmModel.fromModelText(
                c.text(), LightGbmModel.LoadOptions.defaults().withMaxConcurrentScorers(1));
        LightGbmJavaModel java = LightGbmJavaModel.fromModelText(c.text())) {
      assertThat(java.featureCount()).isEqualTo(natives.featureCount()).isEqualTo(c.features());
      assertThat(java.numTrees()).isEqualTo(natives.numTrees());
      double[] batch = java.predictProbabilities(rows);
      Contributions[] batchShap = java.contributions(rows);
      for (int r = 0; r < rows.length; r++) {
        double[] row = rows[r];
        String what = c + " row " + r + " " + Arrays.toString(row);
        double raw = natives.predictRaw(row);
        assertThat(java.predictRaw(row)).as(what).isCloseTo(raw, within(1e-12));
        assertThat(java.predictProbability(row))
            .as(what)
            .isCloseTo(natives.predictProbability(row), within(1e-12))
            .isEqualTo(batch[r]);
        Contributions expected = natives.contributions(row);
        Contributions actual = java.contributions(row);
        assertThat(actual).as(what).isEqualTo(batchShap[r]);
        assertThat(actual.bias()).as(what).isCloseTo(expected.bias(), within(1e-9));
        for (int f = 0; f < c.features(); f++) {
          assertThat(actual.contribution(f))
              .as("%s feature %d", what, f)
              .isCloseTo(expected.contribution(f), within(1e-9));
        }
        assertThat(actual.rawScore()).as(what).isCloseTo(java.predictRaw(row), within(1e-9));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void topContributionsAreTopFactorsOfTheFullExplanationWithoutBuildingIt(Case c)
      throws ModelLoadException {
    List<String> names = new ArrayList<>();
    for (int f = 0; f < c.features(); f++) {
      names.add("f" + f);
    }
    try (LightGbmJavaModel java = LightGbmJavaModel.fromModelText(c.text())) {
      ScoringModel calibrated = CalibratedModel.of(java, Calibration.platt(2.0, -0.5));
      for (double[] row : rows(c, 100, 5)) {
        for (int k = 0; k <= c.features() + 1; k++) {
          List<Factor> expected = TopFactors.top(java.contributions(row), row, names, k);
          int[] features = new int[k];
          double[] values = new double[k];
          int n = java.topContributions(row, k, features, values);
          int[] calibratedFeatures = new int[k];
          double[] calibratedValues = new double[k];
          calibrated.topContributions(row, k, calibratedFeatures, calibratedValues);
          assertThat(n).isEqualTo(expected.size());
          for (int i = 0; i < n; i++) {
            assertThat(names.get(features[i])).isEqualTo(expected.get(i).feature());
            assertThat(values[i]).isCloseTo(expected.get(i).contribution(), within(1e-12));
          }
          assertThat(calibratedFeatures).isEqualTo(features);
          assertThat(calibratedValues).isEqualTo(values);
        }
      }
    }
  }

  @Test
  void theDefaultTopContributionsOfANativeModelAgreeWithTheJavaOne() throws ModelLoadException {
    String text = TrainedModels.smallBinary();
    try (LightGbmModel natives = LightGbmModel.fromModelText(text);
        LightGbmJavaModel java = LightGbmJavaModel.fromModelText(text)) {
      for (double[] row : TrainedModels.randomRows(300, 5, 8)) {
        int[] nativeFeatures = new int[3];
        double[] nativeValues = new double[3];
        int[] javaFeatures = new int[3];
        double[] javaValues = new double[3];
        int n = natives.topContributions(row, 3, nativeFeatures, nativeValues);
        assertThat(java.topContributions(row, 3, javaFeatures, javaValues)).isEqualTo(n);
        assertThat(javaFeatures).isEqualTo(nativeFeatures);
        assertThat(javaValues).containsExactly(nativeValues, within(1e-9));
      }
    }
  }

  @Test
  void topContributionsRefuseANegativeKAndTooShortArrays() throws ModelLoadException {
    try (LightGbmJavaModel java = LightGbmJavaModel.fromModelText(TrainedModels.smallBinary())) {
      double[] row = new double[5];
      assertThatThrownBy(() -> java.topContributions(row, -1, new int[0], new double[0]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("k must not be negative, got -1");
      assertThatThrownBy(() -> java.topContributions(row, 3, new int[2], new double[3]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the top 3 of 5 features need arrays of 3, got 2 and 3");
      // k beyond the feature count needs arrays of the feature count only
      assertThat(java.topContributions(row, 50, new int[5], new double[5])).isLessThanOrEqualTo(5);
    }
  }

  @Test
  void rowsOfTheWrongLengthAreRefusedNamingBothLengths() throws ModelLoadException {
    try (LightGbmJavaModel java = LightGbmJavaModel.fromModelText(TrainedModels.smallBinary())) {
      assertThatThrownBy(() -> java.predictProbability(new double[6]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("row has 6 features, the model expects 5");
      assertThatThrownBy(() -> java.contributions(new double[][] {new double[5], new double[4]}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("rows[1] has 4 features, the model expects 5");
      assertThatThrownBy(() -> java.predictRaw(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("row is null");
    }
  }

  @Test
  void closeIsIdempotentAndEveryLaterScoringCallFails() throws ModelLoadException {
    LightGbmJavaModel java = LightGbmJavaModel.fromModelText(TrainedModels.smallBinary());
    double[] row = new double[5];
    double before = java.predictProbability(row);
    assertThat(before).isBetween(0.0, 1.0);

    java.close();
    java.close();

    assertThat(java.featureCount()).isEqualTo(5);
    assertThat(java).hasToString("LightGbmJavaModel[features=5, trees=30, closed]");
    List<Runnable> calls =
        List.of(
            () -> java.predictProbability(row),
            () -> java.predictProbabilities(new double[0][]),
            () -> java.predictRaw(row),
            () -> java.contributions(row),
            () -> java.contributions(new double[][] {row}),
            () -> java.topContributions(row, 2, new int[2], new double[2]));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("model is closed; load a new one to keep scoring");
    }
  }

  @Test
  void malformedAndUnsupportedTextsAreModelLoadExceptions() {
    String good = TrainedModels.smallBinary();
    assertThatThrownBy(() -> LightGbmJavaModel.fromModelText(""))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model text is empty");
    assertThatThrownBy(
            () -> LightGbmJavaModel.fromModelText(good.substring(0, good.indexOf("Tree=3"))))
        .isInstanceOf(ModelLoadException.class);
    assertThatThrownBy(() -> LightGbmJavaModel.fromModelText(TrainedModels.multiclass()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("multiclass");
  }
}
