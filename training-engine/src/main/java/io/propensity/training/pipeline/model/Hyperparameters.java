package io.propensity.training.pipeline.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tunable LightGBM parameters (names as in LightGBM's documentation).
 *
 * @param numLeaves max leaves per tree, ≥ 2
 * @param learningRate shrinkage per iteration, in (0, 1]
 * @param minDataInLeaf min rows in a leaf, ≥ 1
 * @param featureFraction share of features per tree, in (0, 1]
 * @param baggingFraction share of rows per bagging round, in (0, 1]
 * @param baggingFreq bag every this many iterations, 0 = no bagging
 * @param lambdaL1 L1 regularisation on leaf values, ≥ 0
 * @param lambdaL2 L2 regularisation on leaf values, ≥ 0
 */
public record Hyperparameters(
    int numLeaves,
    double learningRate,
    int minDataInLeaf,
    double featureFraction,
    double baggingFraction,
    int baggingFreq,
    double lambdaL1,
    double lambdaL2) {

  public Hyperparameters {
    if (numLeaves < 2) {
      throw new IllegalArgumentException("num_leaves must be >= 2, was " + numLeaves);
    }
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException("learning_rate must be in (0, 1], was " + learningRate);
    }
    if (minDataInLeaf < 1) {
      throw new IllegalArgumentException("min_data_in_leaf must be >= 1, was " + minDataInLeaf);
    }
    if (!(featureFraction > 0 && featureFraction <= 1)
        || !(baggingFraction > 0 && baggingFraction <= 1)) {
      throw new IllegalArgumentException("feature_fraction and bagging_fraction must be in (0, 1]");
    }
    if (baggingFreq < 0 || lambdaL1 < 0 || lambdaL2 < 0) {
      throw new IllegalArgumentException("bagging_freq, lambda_l1 and lambda_l2 must be >= 0");
    }
  }

  /** LightGBM's defaults with a lower learning rate and mild L2: a sound untuned start. */
  public static Hyperparameters defaults() {
    return new Hyperparameters(31, 0.05, 20, 0.9, 1.0, 0, 0.0, 1.0);
  }

  /** The parameters as LightGBM {@code key=value} pairs, in a fixed order. */
  public Map<String, String> asLightGbmParams() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("num_leaves", Integer.toString(numLeaves));
    m.put("learning_rate", fmt(learningRate));
    m.put("min_data_in_leaf", Integer.toString(minDataInLeaf));
    m.put("feature_fraction", fmt(featureFraction));
    m.put("bagging_fraction", fmt(baggingFraction));
    m.put("bagging_freq", Integer.toString(baggingFreq));
    m.put("lambda_l1", fmt(lambdaL1));
    m.put("lambda_l2", fmt(lambdaL2));
    return m;
  }

  /**
   * Six significant digits, no trailing zeros, never scientific notation LightGBM might misread.
   */
  static String fmt(double v) {
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
