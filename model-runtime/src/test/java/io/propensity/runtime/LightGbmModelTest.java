package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.microsoft.ml.lightgbm.PredictionType;
import io.propensity.runtime.LightGbmModel.LoadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LightGbmModelTest {

  private static String modelText;
  private static LightGbmModel model;

  @BeforeAll
  static void trainAndLoad() throws ModelLoadException {
    modelText = TrainedModels.smallBinary();
    model = LightGbmModel.fromModelText(modelText);
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  @Test
  void exposesTheModelsShape() {
    assertThat(model.featureCount()).isEqualTo(5);
    assertThat(model.featureNames()).containsExactly("f0", "f1", "f2", "f3", "f4");
    assertThat(model.numTrees()).isEqualTo(30);
    assertThat(model.modelText()).isEqualTo(modelText);
  }

  @Test
  void probabilitiesEqualLightGbmsOwnBatchPredictions() {
    double[][] rows = TrainedModels.randomRows(300, 5, 11);
    double[] expected =
        TrainedModels.referencePredictions(modelText, rows, PredictionType.C_API_PREDICT_NORMAL);

    assertThat(model.predictProbabilities(rows)).containsExactly(expected);
  }

  @Test
  void rawScoresAndContributionsEqualLightGbmsOwnBatchPredictions() {
    double[][] rows = TrainedModels.randomRows(50, 5, 12);
    double[] raw =
        TrainedModels.referencePredictions(modelText, rows, PredictionType.C_API_PREDICT_RAW_SCORE);
    double[] contrib =
        TrainedModels.referencePredictions(modelText, rows, PredictionType.C_API_PREDICT_CONTRIB);

    Contributions[] ours = model.contributions(rows);
    for (int r = 0; r < rows.length; r++) {
      assertThat(model.predictRaw(rows[r])).isEqualTo(raw[r]);
      assertThat(ours[r].perFeature()).containsExactly(slice(contrib, r * 6, 5));
      assertThat(ours[r].bias()).isEqualTo(contrib[r * 6 + 5]);
    }
  }

  @Test
  void singleRowAndBatchScoringAgreeExactly() {
    double[][] rows = TrainedModels.randomRows(100, 5, 13);
    double[] batch = model.predictProbabilities(rows);
    Contributions[] batchContributions = model.contributions(rows);

    for (int r = 0; r < rows.length; r++) {
      assertThat(model.predictProbability(rows[r])).isEqualTo(batch[r]);
      assertThat(model.contributions(rows[r])).isEqualTo(batchContributions[r]);
    }
  }

  @Test
  void shapSumsToTheRawScoreAndSigmoidOfRawIsTheProbability() {
    for (double[] row : TrainedModels.randomRows(1_000, 5, 14)) {
      double raw = model.predictRaw(row);
      assertThat(model.contributions(row).rawScore()).isCloseTo(raw, within(1e-9));
      assertThat(1 / (1 + Math.exp(-raw))).isCloseTo(model.predictProbability(row), within(1e-12));
    }
  }

  @Test
  void modelLearnedTheSignal() {
    double[] strongYes = {3, 3, -3, 0, 0};
    double[] strongNo = {-3, -3, 3, 0, 0};
    assertThat(model.predictProbability(strongYes)).isGreaterThan(0.8);
    assertThat(model.predictProbability(strongNo)).isLessThan(0.2);
  }

  @Test
  void missingValuesAreScored() {
    double[] allMissing = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    assertThat(model.predictProbability(allMissing)).isBetween(0.0, 1.0);
  }

  @Test
  void rowOfTheWrongLengthIsRejectedNamingBothLengths() {
    assertThatThrownBy(() -> model.predictProbability(new double[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row has 4 features, the model expects 5");
    assertThatThrownBy(() -> model.contributions(new double[][] {new double[5], new double[6]}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows[1] has 6 features, the model expects 5");
    assertThatThrownBy(() -> model.predictRaw(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row is null");
  }

  @Test
  void emptyBatchGivesEmptyResults() {
    assertThat(model.predictProbabilities(new double[0][])).isEmpty();
    assertThat(model.contributions(new double[0][])).isEmpty();
  }

  @Test
  void closedModelRefusesToScoreAndClosingTwiceIsHarmless() throws ModelLoadException {
    LightGbmModel closing = LightGbmModel.fromModelText(modelText);
    closing.close();
    closing.close();

    double[] row = new double[5];
    assertThatThrownBy(() -> closing.predictProbability(row))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closing.predictProbabilities(new double[][] {row}))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> closing.predictRaw(row)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> closing.contributions(row)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> closing.contributions(new double[][] {row}))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> closing.predictProbabilities(new double[0][]))
        .isInstanceOf(IllegalStateException.class);
    assertThat(closing.numTrees()).isEqualTo(30);
  }

  @Test
  void fourThreadsScoreExactlyLikeOneThread() throws Exception {
    double[][] rows = TrainedModels.randomRows(400, 5, 15);
    double[] expectedProbabilities = model.predictProbabilities(rows);
    Contributions[] expectedContributions = model.contributions(rows);

    try (LightGbmModel shared =
        LightGbmModel.fromModelText(
            modelText, LoadOptions.defaults().withMaxConcurrentScorers(4))) {
      assertThat(runConcurrently(shared, rows, 4))
          .allSatisfy(
              result -> {
                assertThat(result.probabilities).containsExactly(expectedProbabilities);
                assertThat(result.contributions).containsExactly(expectedContributions);
              });
    }
  }

  @Test
  void moreThreadsThanScorersWaitForAFreeBoosterAndStillAgree() throws Exception {
    double[][] rows = TrainedModels.randomRows(200, 5, 16);
    double[] expected = model.predictProbabilities(rows);

    try (LightGbmModel oneScorer =
        LightGbmModel.fromModelText(
            modelText, LoadOptions.defaults().withMaxConcurrentScorers(1))) {
      assertThat(oneScorer.maxConcurrentScorers()).isEqualTo(1);
      assertThat(runConcurrently(oneScorer, rows, 4))
          .allSatisfy(result -> assertThat(result.probabilities).containsExactly(expected));
    }
  }

  @Test
  void expectedFeatureNamesMustMatchTheModel() throws ModelLoadException {
    LoadOptions matching =
        LoadOptions.defaults().withExpectedFeatureNames(List.of("f0", "f1", "f2", "f3", "f4"));
    try (LightGbmModel ok = LightGbmModel.fromModelText(modelText, matching)) {
      assertThat(ok.featureCount()).isEqualTo(5);
    }

    LoadOptions renamed =
        LoadOptions.defaults().withExpectedFeatureNames(List.of("f0", "f1", "fx", "f3", "f4"));
    assertThatThrownBy(() -> LightGbmModel.fromModelText(modelText, renamed))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "feature schema mismatch at position 2: the model has 'f2', the expected schema has"
                + " 'fx'");

    LoadOptions shorter =
        LoadOptions.defaults().withExpectedFeatureNames(List.of("f0", "f1", "f2", "f3"));
    assertThatThrownBy(() -> LightGbmModel.fromModelText(modelText, shorter))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("the model has 5 features, the expected schema has 4");
  }

  @Test
  void pinningScoringThreadsChangesNoScoreNorShapValue() throws ModelLoadException {
    double[][] rows = TrainedModels.randomRows(500, 5, 15);
    try (LightGbmModel pinned =
        LightGbmModel.fromModelText(modelText, LoadOptions.defaults().withScoringThreads(1))) {
      for (double[] row : rows) {
        assertThat(pinned.predictProbability(row)).isEqualTo(model.predictProbability(row));
        assertThat(pinned.predictRaw(row)).isEqualTo(model.predictRaw(row));
        Contributions shap = pinned.contributions(row);
        assertThat(shap).isEqualTo(model.contributions(row));
        assertThat(shap.rawScore()).isCloseTo(pinned.predictRaw(row), within(1e-9));
      }
    }
  }

  @Test
  void scoringThreadsDefaultToOpenMpAndMustNotBeNegative() {
    assertThat(LoadOptions.defaults().scoringThreads()).isZero();
    assertThat(LoadOptions.defaults().predictParameters()).isEmpty();
    assertThat(LoadOptions.defaults().withScoringThreads(2).predictParameters())
        .isEqualTo("num_threads=2");
    assertThatThrownBy(() -> LoadOptions.defaults().withScoringThreads(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scoringThreads must be 0 (OpenMP default) or more, got -1");
  }

  private record Result(double[] probabilities, Contributions[] contributions) {}

  /** Each thread scores every row one by one, all starting together. */
  private static List<Result> runConcurrently(LightGbmModel m, double[][] rows, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Result>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  double[] p = new double[rows.length];
                  Contributions[] c = new Contributions[rows.length];
                  for (int r = 0; r < rows.length; r++) {
                    p[r] = m.predictProbability(rows[r]);
                    c[r] = m.contributions(rows[r]);
                  }
                  return new Result(p, c);
                }));
      }
      start.countDown();
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static double[] slice(double[] values, int from, int length) {
    double[] out = new double[length];
    System.arraycopy(values, from, out, 0, length);
    return out;
  }
}
