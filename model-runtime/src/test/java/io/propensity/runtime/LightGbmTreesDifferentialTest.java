package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Java scorer against LightGBM itself: many generated models (numerical and categorical
 * features, NaN, zero-as-missing, use_missing=false, one-hot and bitset categorical splits, extreme
 * values) scored on many rows, including values exactly at the models' thresholds. Each failure
 * prints the seed that reproduces it.
 */
class LightGbmTreesDifferentialTest {

  private static final long BASE_SEED = Long.getLong("differential.seed", 20261207L);
  private static final int MODELS = Integer.getInteger("differential.models", 60);
  private static final int RANDOM_ROWS = 300;
  private static final double TOLERANCE = 1e-12;

  private static final double[] SPECIAL =
      new double[] {
        Double.NaN,
        0.0,
        -0.0,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        1e30,
        -1e30,
        1e-36,
        -1e-36,
        1e-35,
        -1e-35,
        Double.MIN_VALUE,
        -0.5,
        -1.0,
        -3.0,
        0.5,
        1.5,
        31,
        32,
        63,
        64,
        1000,
        3e9,
        -3e9,
        Double.MAX_VALUE
      };

  /** One generated training task: which columns are categorical, and how many levels they have. */
  record Task(double[][] rows, float[] labels, int[] levels, String params, int rounds) {}

  @Test
  void javaRawScoreEqualsLightGbmOnGeneratedModels() throws Exception {
    long started = System.nanoTime();
    long checked = 0;
    double maxDelta = 0;
    Coverage coverage = new Coverage();
    for (int m = 0; m < MODELS; m++) {
      long seed = BASE_SEED + m;
      Random random = new Random(seed);
      Task task = task(random);
      String text = train(task);
      LightGbmTrees trees = LightGbmTrees.fromModelText(text);
      double[][] rows = probeRows(random, task, trees);
      double[] expected =
          TrainedModels.referencePredictions(text, rows, PredictionType.C_API_PREDICT_RAW_SCORE);
      for (int r = 0; r < rows.length; r++) {
        double actual = trees.predictRaw(rows[r]);
        double delta = Math.abs(actual - expected[r]);
        assertThat(delta)
            .as(
                "seed %d (model %d, params '%s'), row %d %s: java %s, LightGBM %s",
                seed, m, task.params(), r, Arrays.toString(rows[r]), actual, expected[r])
            .isLessThanOrEqualTo(TOLERANCE);
        maxDelta = Math.max(maxDelta, delta);
        checked++;
      }
      coverage.add(text);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "LightGbmTrees differential: %d models, %d rows, max |delta| %s, %.1f s, base seed %d%n",
        MODELS, checked, maxDelta, seconds, BASE_SEED);
    System.out.printf(
        "  categorical splits %d (multi-word bitsets %d, words with bit 31 %d),"
            + " zero-missing splits %d, NaN-missing splits %d%n",
        coverage.categoricalSplits,
        coverage.multiWordBitsets,
        coverage.highBitWords,
        coverage.zeroMissingSplits,
        coverage.nanMissingSplits);
    assertThat(coverage.categoricalSplits).as("categorical splits").isPositive();
    assertThat(coverage.multiWordBitsets).as("bitsets beyond 32 categories").isPositive();
    assertThat(coverage.highBitWords).as("bitset words with bit 31 set").isPositive();
    assertThat(coverage.zeroMissingSplits).as("zero-as-missing splits").isPositive();
    assertThat(coverage.nanMissingSplits).as("NaN-missing splits").isPositive();
  }

  /** What the generated models exercise, counted from their texts, so coverage is proven. */
  private static final class Coverage {
    int categoricalSplits;
    int multiWordBitsets;
    int highBitWords;
    int zeroMissingSplits;
    int nanMissingSplits;

    void add(String text) {
      for (String line : text.split("\n")) {
        if (line.startsWith("decision_type=")) {
          for (long type : values(line)) {
            categoricalSplits += (type & 1) != 0 ? 1 : 0;
            zeroMissingSplits += (type & 1) == 0 && ((type >> 2) & 3) == 1 ? 1 : 0;
            nanMissingSplits += (type & 1) == 0 && ((type >> 2) & 3) == 2 ? 1 : 0;
          }
        } else if (line.startsWith("cat_boundaries=")) {
          long[] bounds = values(line);
          for (int k = 1; k < bounds.length; k++) {
            multiWordBitsets += bounds[k] - bounds[k - 1] > 1 ? 1 : 0;
          }
        } else if (line.startsWith("cat_threshold=")) {
          for (long word : values(line)) {
            highBitWords += word > Integer.MAX_VALUE ? 1 : 0;
          }
        }
      }
    }

    private static long[] values(String line) {
      String[] tokens = line.substring(line.indexOf('=') + 1).trim().split(" ");
      long[] out = new long[tokens.length];
      for (int k = 0; k < tokens.length; k++) {
        out[k] = Long.parseLong(tokens[k]);
      }
      return out;
    }
  }

  static Task task(Random random) {
    int features = 3 + random.nextInt(6);
    int rows = 200 + random.nextInt(400);
    int[] levels = new int[features];
    int categorical = random.nextInt(3);
    for (int c = 0; c < categorical; c++) {
      levels[features - 1 - c] = 2 + random.nextInt(random.nextBoolean() ? 6 : 60);
    }
    double nanRate = random.nextBoolean() ? 0.0 : 0.05 + 0.2 * random.nextDouble();
    double zeroRate = random.nextBoolean() ? 0.0 : 0.3 * random.nextDouble();
    double[] weights = new double[features];
    for (int f = 0; f < features; f++) {
      weights[f] = random.nextGaussian();
    }
    double[][] x = new double[rows][features];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      double signal = 0;
      for (int f = 0; f < features; f++) {
        double v;
        if (levels[f] > 0) {
          double u = random.nextDouble();
          v = u < nanRate ? Double.NaN : u < nanRate + 0.02 ? -1 : random.nextInt(levels[f]);
          signal += Double.isNaN(v) ? 0.3 : (((int) v) * 7919 % 5 - 2) * weights[f];
        } else {
          double u = random.nextDouble();
          v =
              u < nanRate
                  ? Double.NaN
                  : u < nanRate + zeroRate
                      ? 0.0
                      : u < nanRate + zeroRate + 0.01
                          ? (random.nextBoolean() ? 1e30 : -1e30)
                          : Math.round(random.nextGaussian() * 20) / 10.0;
          signal += Double.isNaN(v) ? -0.5 : weights[f] * Math.max(-3, Math.min(3, v));
        }
        x[r][f] = v;
      }
      y[r] = signal + 0.7 * random.nextGaussian() > 0 ? 1f : 0f;
    }
    int[] leavesChoices = {2, 3, 4, 7, 15, 31, 63};
    StringBuilder params = new StringBuilder("objective=binary");
    params.append(" num_leaves=").append(leavesChoices[random.nextInt(leavesChoices.length)]);
    params.append(" max_depth=").append(new int[] {-1, 2, 3, 6}[random.nextInt(4)]);
    params.append(" min_data_in_leaf=").append(new int[] {1, 3, 10, 30}[random.nextInt(4)]);
    params.append(" learning_rate=").append(0.03 + 0.5 * random.nextDouble());
    params.append(" zero_as_missing=").append(random.nextInt(3) == 0);
    params.append(" use_missing=").append(random.nextInt(4) != 0);
    params.append(" max_cat_to_onehot=").append(new int[] {1, 4, 32}[random.nextInt(3)]);
    params.append(" min_data_per_group=").append(1 + random.nextInt(20));
    params.append(" cat_smooth=").append(1 + random.nextInt(10));
    params.append(" max_bin=").append(new int[] {7, 63, 255}[random.nextInt(3)]);
    params.append(" lambda_l2=").append(random.nextBoolean() ? 0 : random.nextDouble());
    params.append(" ").append(TrainedModels.DETERMINISTIC);
    List<String> cats = new ArrayList<>();
    for (int f = 0; f < features; f++) {
      if (levels[f] > 0) {
        cats.add(Integer.toString(f));
      }
    }
    if (!cats.isEmpty()) {
      params.append(" categorical_feature=").append(String.join(",", cats));
    }
    return new Task(x, y, levels, params.toString(), 1 + random.nextInt(40));
  }

  static String train(Task task) throws LGBMException {
    int rows = task.rows().length;
    int cols = task.rows()[0].length;
    double[] flat = new double[rows * cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(task.rows()[r], 0, flat, r * cols, cols);
    }
    try (LGBMDataset dataset =
        LGBMDataset.createFromMat(flat, rows, cols, true, task.params(), null)) {
      dataset.setField("label", task.labels());
      try (LGBMBooster booster = LGBMBooster.create(dataset, task.params())) {
        for (int i = 0; i < task.rounds(); i++) {
          booster.updateOneIter();
        }
        return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
      }
    }
  }

  /**
   * Rows drawn like the training data, then rows with special values (NaN, ±0, ±Inf, ±1e30, tiny,
   * negative and unseen categories) and rows with values at, just below and just above every
   * threshold of the model.
   */
  static double[][] probeRows(Random random, Task task, LightGbmTrees trees) {
    int cols = task.rows()[0].length;
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < RANDOM_ROWS; r++) {
      double[] row = task.rows()[random.nextInt(task.rows().length)].clone();
      for (int f = 0; f < cols; f++) {
        if (random.nextInt(4) == 0) {
          row[f] = task.rows()[random.nextInt(task.rows().length)][f];
        }
        if (random.nextInt(20) == 0) {
          row[f] = SPECIAL[random.nextInt(SPECIAL.length)];
        }
        if (task.levels()[f] > 0 && random.nextInt(10) == 0) {
          row[f] = task.levels()[f] + random.nextInt(40);
        }
      }
      rows.add(row);
    }
    double[] base = task.rows()[0];
    for (double special : SPECIAL) {
      for (int f = 0; f < cols; f++) {
        double[] row = base.clone();
        row[f] = special;
        rows.add(row);
      }
      double[] all = new double[cols];
      Arrays.fill(all, special);
      rows.add(all);
    }
    double[] thresholds = trees.thresholds();
    int[] features = trees.splitFeatures();
    for (int n = 0; n < thresholds.length; n++) {
      for (double v :
          new double[] {thresholds[n], Math.nextDown(thresholds[n]), Math.nextUp(thresholds[n])}) {
        double[] row = task.rows()[random.nextInt(task.rows().length)].clone();
        row[features[n]] = v;
        rows.add(row);
      }
    }
    return rows.toArray(double[][]::new);
  }
}
