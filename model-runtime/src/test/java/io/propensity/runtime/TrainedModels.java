package io.propensity.runtime;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small real LightGBM models trained in-process with LightGBM4j, deterministically. */
final class TrainedModels {

  /** Rows of a synthetic binary task: x0 + 0.5·x1 − x2 + noise &gt; 0; x3 is 10% missing. */
  record Data(double[][] rows, float[] labels, List<String> names) {
    double[] flat() {
      int cols = rows[0].length;
      double[] flat = new double[rows.length * cols];
      for (int r = 0; r < rows.length; r++) {
        System.arraycopy(rows[r], 0, flat, r * cols, cols);
      }
      return flat;
    }
  }

  static final String DETERMINISTIC =
      "num_threads=1 deterministic=true force_row_wise=true seed=7 verbose=-1";

  private TrainedModels() {}

  static Data data(int rows, int features, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[rows][features];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < features; f++) {
        x[r][f] = random.nextGaussian();
      }
      if (features > 3 && random.nextDouble() < 0.1) {
        x[r][3] = Double.NaN;
      }
      double signal = x[r][0] + 0.5 * x[r][1] - x[r][2] + 0.5 * random.nextGaussian();
      y[r] = signal > 0 ? 1f : 0f;
    }
    List<String> names = new ArrayList<>();
    for (int f = 0; f < features; f++) {
      names.add("f" + f);
    }
    return new Data(x, y, List.copyOf(names));
  }

  /** Random rows for scoring, with some missing values. */
  static double[][] randomRows(int rows, int features, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[rows][features];
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < features; f++) {
        x[r][f] = random.nextDouble() < 0.05 ? Double.NaN : 2 * random.nextGaussian();
      }
    }
    return x;
  }

  static String binary(Data data, int iterations, String params) {
    return train(data, iterations, "objective=binary " + params);
  }

  /** 200 rows × 5 features, 30 trees. */
  static String smallBinary() {
    return binary(data(200, 5, 42), 30, "num_leaves=8 min_data_in_leaf=5 " + DETERMINISTIC);
  }

  static String multiclass() {
    Data data = data(150, 4, 3);
    float[] labels = new float[data.labels().length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 3;
    }
    return train(
        new Data(data.rows(), labels, data.names()),
        5,
        "objective=multiclass num_class=3 min_data_in_leaf=5 " + DETERMINISTIC);
  }

  static String regression() {
    return train(data(100, 3, 5), 5, "objective=regression min_data_in_leaf=5 " + DETERMINISTIC);
  }

  private static String train(Data data, int iterations, String params) {
    int cols = data.rows()[0].length;
    try (LGBMDataset dataset =
        LGBMDataset.createFromMat(
            data.flat(), data.rows().length, cols, true, "max_bin=63 " + params, null)) {
      dataset.setField("label", data.labels());
      dataset.setFeatureNames(data.names().toArray(String[]::new));
      try (LGBMBooster booster = LGBMBooster.create(dataset, params)) {
        for (int i = 0; i < iterations; i++) {
          booster.updateOneIter();
        }
        return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
      }
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }

  /** LightGBM4j's own batch prediction, the reference the runtime must match. */
  static double[] referencePredictions(String modelText, double[][] rows, PredictionType type) {
    Data asData = new Data(rows, new float[rows.length], List.of());
    try (LGBMBooster booster = LGBMBooster.loadModelFromString(modelText)) {
      return booster.predictForMat(asData.flat(), rows.length, rows[0].length, true, type);
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }
}
