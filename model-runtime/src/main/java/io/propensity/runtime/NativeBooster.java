package io.propensity.runtime;

import static com.microsoft.ml.lightgbm.lightgbmlibConstants.C_API_DTYPE_FLOAT64;
import static com.microsoft.ml.lightgbm.lightgbmlibConstants.C_API_PREDICT_CONTRIB;
import static com.microsoft.ml.lightgbm.lightgbmlibConstants.C_API_PREDICT_NORMAL;
import static com.microsoft.ml.lightgbm.lightgbmlibConstants.C_API_PREDICT_RAW_SCORE;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import io.github.metarank.lightgbm4j.LGBMBooster;
import java.io.IOException;

/**
 * One native LightGBM booster with its own single-row predictors ("FastConfig") and output buffer.
 * Not thread-safe: {@link LightGbmModel} hands each instance to one thread at a time.
 *
 * <p>Why the raw SWIG layer rather than {@code LGBMBooster}: LightGBM4j 4.3.0-1's wrapper has no
 * single-row fast path and copies every input value through its own JNI call; the bundled natives
 * do export {@code LGBM_BoosterPredictForMatSingleRowFast}, which parses the predict config once
 * and reads the Java array in place ({@code GetPrimitiveArrayCritical}).
 */
final class NativeBooster {

  private final SWIGTYPE_p_void booster;
  private final int featureCount;
  private final int iterations;
  private final SWIGTYPE_p_void probabilityPredictor;
  private final SWIGTYPE_p_void rawPredictor;
  private final SWIGTYPE_p_void contribPredictor;
  private final SWIGTYPE_p_double out;
  private final SWIGTYPE_p_long_long outLen;
  private boolean freed;

  private NativeBooster(
      SWIGTYPE_p_void booster,
      int featureCount,
      int iterations,
      SWIGTYPE_p_void probabilityPredictor,
      SWIGTYPE_p_void rawPredictor,
      SWIGTYPE_p_void contribPredictor) {
    this.booster = booster;
    this.featureCount = featureCount;
    this.iterations = iterations;
    this.probabilityPredictor = probabilityPredictor;
    this.rawPredictor = rawPredictor;
    this.contribPredictor = contribPredictor;
    this.out = lightgbmlib.new_doubleArray(featureCount + 1L);
    this.outLen = lightgbmlib.new_int64_tp();
  }

  /**
   * Parses the model text into a fresh booster; frees everything it allocated if it fails.
   *
   * @param predictParameters LightGBM parameters of the single-row predictors ({@code ""} or {@code
   *     num_threads=N}); LightGBM applies their thread count process-wide
   */
  static NativeBooster load(String modelText, String predictParameters) throws ModelLoadException {
    ensureNativeLoaded();
    SWIGTYPE_p_p_void handleOut = lightgbmlib.new_voidpp();
    SWIGTYPE_p_int iterationsOut = lightgbmlib.new_intp();
    SWIGTYPE_p_void booster;
    int iterations;
    try {
      if (lightgbmlib.LGBM_BoosterLoadModelFromString(modelText, iterationsOut, handleOut) != 0) {
        throw new ModelLoadException(
            "LightGBM refused the model text: " + lightgbmlib.LGBM_GetLastError());
      }
      booster = lightgbmlib.voidpp_value(handleOut);
      iterations = lightgbmlib.intp_value(iterationsOut);
    } finally {
      lightgbmlib.delete_intp(iterationsOut);
      lightgbmlib.delete_voidpp(handleOut);
    }
    SWIGTYPE_p_void probability = null;
    SWIGTYPE_p_void raw = null;
    SWIGTYPE_p_void contrib = null;
    try {
      int features = intProperty(booster, "number of features", Prop.FEATURES);
      probability =
          fastPredictor(booster, C_API_PREDICT_NORMAL, iterations, features, predictParameters);
      raw =
          fastPredictor(booster, C_API_PREDICT_RAW_SCORE, iterations, features, predictParameters);
      contrib =
          fastPredictor(booster, C_API_PREDICT_CONTRIB, iterations, features, predictParameters);
      return new NativeBooster(booster, features, iterations, probability, raw, contrib);
    } catch (ModelLoadException | RuntimeException e) {
      for (SWIGTYPE_p_void p : new SWIGTYPE_p_void[] {probability, raw, contrib}) {
        if (p != null) {
          lightgbmlib.LGBM_FastConfigFree(p);
        }
      }
      lightgbmlib.LGBM_BoosterFree(booster);
      throw e;
    }
  }

  int featureCount() {
    return featureCount;
  }

  int iterations() {
    return iterations;
  }

  int numClasses() throws ModelLoadException {
    return intProperty(booster, "number of classes", Prop.CLASSES);
  }

  int numTrees() throws ModelLoadException {
    return intProperty(booster, "number of trees", Prop.TREES);
  }

  String[] featureNames() throws ModelLoadException {
    SWIGTYPE_p_void names = lightgbmlib.LGBM_BoosterGetFeatureNamesSWIG(booster);
    if (names == null) {
      throw new ModelLoadException(
          "LightGBM could not list the model's feature names: " + lightgbmlib.LGBM_GetLastError());
    }
    try {
      return lightgbmlib.StringArrayHandle_get_strings(names);
    } finally {
      lightgbmlib.StringArrayHandle_free(names);
    }
  }

  /** Probability of the positive class, as LightGBM computes it (its own sigmoid). */
  double probability(double[] row) {
    predict(probabilityPredictor, row, 1);
    return lightgbmlib.doubleArray_getitem(out, 0);
  }

  double raw(double[] row) {
    predict(rawPredictor, row, 1);
    return lightgbmlib.doubleArray_getitem(out, 0);
  }

  /** TreeSHAP values: {@code featureCount} contributions, then the bias, into {@code dest}. */
  void contributions(double[] row, double[] dest) {
    predict(contribPredictor, row, featureCount + 1);
    for (int i = 0; i <= featureCount; i++) {
      dest[i] = lightgbmlib.doubleArray_getitem(out, i);
    }
  }

  private void predict(SWIGTYPE_p_void predictor, double[] row, int expectedLength) {
    if (freed) {
      throw new IllegalStateException("native booster already freed");
    }
    int rc =
        lightgbmlib.LGBM_BoosterPredictForMatSingleRowFastCriticalSWIG(row, predictor, outLen, out);
    if (rc != 0) {
      throw new ScoringException("LightGBM prediction failed: " + lightgbmlib.LGBM_GetLastError());
    }
    long len = lightgbmlib.int64_tp_value(outLen);
    if (len != expectedLength) {
      throw new ScoringException(
          "LightGBM returned " + len + " values for one row, expected " + expectedLength);
    }
  }

  /** Frees the native booster, predictors and buffers; later calls are no-ops. */
  void free() {
    if (freed) {
      return;
    }
    freed = true;
    lightgbmlib.LGBM_FastConfigFree(probabilityPredictor);
    lightgbmlib.LGBM_FastConfigFree(rawPredictor);
    lightgbmlib.LGBM_FastConfigFree(contribPredictor);
    lightgbmlib.LGBM_BoosterFree(booster);
    lightgbmlib.delete_doubleArray(out);
    lightgbmlib.delete_int64_tp(outLen);
  }

  private enum Prop {
    FEATURES,
    CLASSES,
    TREES
  }

  private static int intProperty(SWIGTYPE_p_void booster, String what, Prop prop)
      throws ModelLoadException {
    SWIGTYPE_p_int value = lightgbmlib.new_intp();
    try {
      int rc =
          switch (prop) {
            case FEATURES -> lightgbmlib.LGBM_BoosterGetNumFeature(booster, value);
            case CLASSES -> lightgbmlib.LGBM_BoosterGetNumClasses(booster, value);
            case TREES -> lightgbmlib.LGBM_BoosterNumberOfTotalModel(booster, value);
          };
      if (rc != 0) {
        throw new ModelLoadException(
            "LightGBM could not report the " + what + ": " + lightgbmlib.LGBM_GetLastError());
      }
      return lightgbmlib.intp_value(value);
    } finally {
      lightgbmlib.delete_intp(value);
    }
  }

  private static SWIGTYPE_p_void fastPredictor(
      SWIGTYPE_p_void booster, int predictType, int iterations, int features, String parameters)
      throws ModelLoadException {
    SWIGTYPE_p_p_void configOut = lightgbmlib.new_voidpp();
    try {
      // LightGBM applies the parameters' num_threads (or, when absent, the OpenMP default)
      // process-wide, not only to this predictor; see LoadOptions.scoringThreads and the README.
      int rc =
          lightgbmlib.LGBM_BoosterPredictForMatSingleRowFastInit(
              booster,
              predictType,
              0,
              iterations,
              C_API_DTYPE_FLOAT64,
              features,
              parameters,
              configOut);
      if (rc != 0) {
        throw new ModelLoadException(
            "LightGBM could not prepare a single-row predictor: "
                + lightgbmlib.LGBM_GetLastError());
      }
      return lightgbmlib.voidpp_value(configOut);
    } finally {
      lightgbmlib.delete_voidpp(configOut);
    }
  }

  private static volatile boolean nativeLoaded;

  private static void ensureNativeLoaded() throws ModelLoadException {
    if (nativeLoaded) {
      return;
    }
    try {
      LGBMBooster.loadNative();
      nativeLoaded = true;
    } catch (IOException | LinkageError e) {
      throw new ModelLoadException(
          "the LightGBM native library could not be loaded on "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + " (LightGBM4j bundles linux x86_64/aarch64, macOS and Windows x86_64): "
              + e.getMessage(),
          e);
    }
  }
}
