package io.propensity.training.pipeline.model;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import io.propensity.runtime.LightGbmFeatures;
import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.TrainingFailedException;
import io.propensity.training.pipeline.imbalance.FitData;
import io.propensity.training.pipeline.imbalance.PreparedFold;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Fits a binary LightGBM model through LightGBM4j: boosts one iteration at a time so it can report
 * progress, honour cancellation and stop early on the validation metric, then saves the model
 * truncated at its best iteration.
 *
 * <p>Determinism: {@code deterministic=true}, {@code force_col_wise=true} and a fixed {@code seed}
 * give identical models for identical input and thread count. Categorical columns are declared with
 * {@code categorical_feature} so trees split on sets of codes, not on their order.
 */
public final class LightGbmTrainer {

  /** Receives the validation metric after every iteration. */
  @FunctionalInterface
  public interface IterationListener {
    void onIteration(int iteration, String metricName, double value);

    static IterationListener none() {
      return (i, n, v) -> {};
    }
  }

  private LightGbmTrainer() {}

  /**
   * Fits on {@code fold.fit()}, early-stopping on {@code fold.validation()}.
   *
   * @param featureNames feature names in column order (sanitised for LightGBM, see {@link
   *     #lightGbmFeatureNames})
   * @param categorical indices of categorical columns
   */
  public static LightGbmFit fit(
      PreparedFold fold,
      List<String> featureNames,
      int[] categorical,
      Hyperparameters hp,
      BoostingSettings settings,
      IterationListener listener,
      CancellationToken cancel) {
    return run(
        fold.fit(),
        fold.validation(),
        featureNames,
        categorical,
        hp,
        settings,
        settings.maxIterations(),
        listener,
        cancel);
  }

  /** Fits exactly {@code iterations} rounds on {@code fit}, without validation (a final refit). */
  public static LightGbmFit fitFixed(
      FitData fit,
      List<String> featureNames,
      int[] categorical,
      Hyperparameters hp,
      BoostingSettings settings,
      int iterations,
      IterationListener listener,
      CancellationToken cancel) {
    return run(fit, null, featureNames, categorical, hp, settings, iterations, listener, cancel);
  }

  /** The dataset-construction parameters (binning, categorical columns). */
  static Map<String, String> datasetParams(int[] categorical, BoostingSettings s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("max_bin", "255");
    m.put(
        "feature_pre_filter",
        "false"); // lets tuning lower min_data_in_leaf without rebuilding bins
    if (categorical.length > 0) {
      m.put(
          "categorical_feature",
          Arrays.stream(categorical).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    }
    m.put("num_threads", Integer.toString(s.numThreads()));
    m.put("seed", Long.toString(s.seed()));
    m.put("verbosity", "-1");
    return m;
  }

  /** Every parameter the booster is created with, in a fixed order. */
  public static Map<String, String> boosterParams(
      FitData fit, int[] categorical, Hyperparameters hp, BoostingSettings s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("objective", "binary");
    String other = s.metric() == EarlyStoppingMetric.AUC ? "binary_logloss" : "auc";
    m.put("metric", s.metric().lightGbmName() + "," + other);
    m.putAll(hp.asLightGbmParams());
    if (fit.positiveWeight() != 1.0) {
      m.put("scale_pos_weight", Hyperparameters.fmt(fit.positiveWeight()));
    }
    m.putAll(datasetParams(categorical, s));
    m.put("deterministic", "true");
    m.put("force_col_wise", "true");
    return m;
  }

  /**
   * Names LightGBM accepts: characters other than letters, digits, {@code _ . -} become {@code _}
   * (LightGBM rejects JSON special characters), and collisions get a numeric suffix.
   */
  public static List<String> lightGbmFeatureNames(List<String> names) {
    return LightGbmFeatures.lightGbmNames(names);
  }

  private static LightGbmFit run(
      FitData fit,
      FitData validation,
      List<String> featureNames,
      int[] categorical,
      Hyperparameters hp,
      BoostingSettings s,
      int iterations,
      IterationListener listener,
      CancellationToken cancel) {
    Map<String, String> params = boosterParams(fit, categorical, hp, s);
    LGBMDataset train = null;
    LGBMDataset valid = null;
    LGBMBooster booster = null;
    try {
      train =
          LGBMDataset.createFromMat(
              fit.values(),
              fit.rows(),
              fit.cols(),
              true,
              join(datasetParams(categorical, s)),
              null);
      train.setField("label", fit.labelsAsFloats());
      train.setFeatureNames(lightGbmFeatureNames(featureNames).toArray(String[]::new));
      booster = LGBMBooster.create(train, join(params));
      int metricIndex = -1;
      if (validation != null) {
        valid =
            LGBMDataset.createFromMat(
                validation.values(),
                validation.rows(),
                validation.cols(),
                true,
                join(datasetParams(categorical, s)),
                train);
        valid.setField("label", validation.labelsAsFloats());
        if (fit.positiveWeight() != 1.0) {
          // the validation metric weighs classes as the objective does; unweighted log loss would
          // punish the deliberate upward shift of probabilities and stop after a handful of rounds
          valid.setField("weight", classWeights(validation, fit.positiveWeight()));
        }
        booster.addValidData(valid);
        metricIndex = Arrays.asList(booster.getEvalNames()).indexOf(s.metric().lightGbmName());
        if (metricIndex < 0) {
          throw new IllegalStateException("LightGBM did not report " + s.metric().lightGbmName());
        }
      }
      List<Double> curve = new ArrayList<>();
      int best = 0;
      double bestValue = Double.NaN;
      int done = 0;
      for (int it = 1; it <= iterations; it++) {
        cancel.throwIfCancelled();
        boolean finished = booster.updateOneIter();
        done = it;
        if (validation != null) {
          double v = booster.getEval(1)[metricIndex];
          curve.add(v);
          if (s.metric().better(v, bestValue)) {
            bestValue = v;
            best = it;
          }
          listener.onIteration(it, s.metric().lightGbmName(), v);
          if (it - best >= s.earlyStoppingRounds()) {
            break;
          }
        } else {
          best = it;
          listener.onIteration(it, "", Double.NaN);
        }
        if (finished) {
          break; // no further split improves the training loss
        }
      }
      String text =
          booster.saveModelToString(0, Math.max(best, 1), LGBMBooster.FeatureImportanceType.GAIN);
      return new LightGbmFit(text, Math.max(best, 1), done, s.metric(), bestValue, curve, params);
    } catch (LGBMException e) {
      throw new TrainingFailedException("LightGBM failed: " + e.getMessage(), e);
    } finally {
      closeQuietly(booster);
      closeQuietly(valid);
      closeQuietly(train);
    }
  }

  private static float[] classWeights(FitData rows, double positiveWeight) {
    float[] w = new float[rows.rows()];
    for (int i = 0; i < w.length; i++) {
      w[i] = rows.label(i) ? (float) positiveWeight : 1f;
    }
    return w;
  }

  private static String join(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // native memory is freed or already gone; nothing useful to report on top of the primary
        // outcome
      }
    }
  }
}
