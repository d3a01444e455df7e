package io.propensity.training.pipeline.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
 * @param maxDepth max depth of a tree, ≥ 1, or {@link #UNLIMITED_DEPTH}
 * @param minSumHessianInLeaf min sum of second derivatives in a leaf, ≥ 0 (for log loss a row adds
 *     p(1 − p), so this asks a leaf to hold enough uncertain rows, which matters with few
 *     positives)
 */
public record Hyperparameters(
    int numLeaves,
    double learningRate,
    int minDataInLeaf,
    double featureFraction,
    double baggingFraction,
    int baggingFreq,
    double lambdaL1,
    double lambdaL2,
    int maxDepth,
    double minSumHessianInLeaf) {

  /** {@code max_depth} without a limit (LightGBM's own default). */
  public static final int UNLIMITED_DEPTH = -1;

  /** LightGBM's own {@code min_sum_hessian_in_leaf} default. */
  public static final double LIGHTGBM_MIN_SUM_HESSIAN = 1e-3;

  /** The names of the parameters, as LightGBM spells them, in {@link #asLightGbmParams} order. */
  public static final List<String> NAMES =
      List.of(
          "num_leaves",
          "learning_rate",
          "min_data_in_leaf",
          "feature_fraction",
          "bagging_fraction",
          "bagging_freq",
          "lambda_l1",
          "lambda_l2",
          "max_depth",
          "min_sum_hessian_in_leaf");

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
    if (maxDepth < 1 && maxDepth != UNLIMITED_DEPTH) {
      throw new IllegalArgumentException(
          "max_depth must be >= 1 or " + UNLIMITED_DEPTH + " (no limit), was " + maxDepth);
    }
    if (!(minSumHessianInLeaf >= 0) || Double.isInfinite(minSumHessianInLeaf)) {
      throw new IllegalArgumentException(
          "min_sum_hessian_in_leaf must be a number >= 0, was " + minSumHessianInLeaf);
    }
  }

  /** The first eight parameters, with no depth limit and LightGBM's minimum hessian. */
  public Hyperparameters(
      int numLeaves,
      double learningRate,
      int minDataInLeaf,
      double featureFraction,
      double baggingFraction,
      int baggingFreq,
      double lambdaL1,
      double lambdaL2) {
    this(
        numLeaves,
        learningRate,
        minDataInLeaf,
        featureFraction,
        baggingFraction,
        baggingFreq,
        lambdaL1,
        lambdaL2,
        UNLIMITED_DEPTH,
        LIGHTGBM_MIN_SUM_HESSIAN);
  }

  /**
   * LightGBM's defaults with a lower learning rate and mild L2: a start that ignores the data's
   * size. A training run without tuning uses {@link #forData} instead.
   */
  public static Hyperparameters defaults() {
    return new Hyperparameters(31, 0.05, 20, 0.9, 1.0, 0, 0.0, 1.0);
  }

  /**
   * A conservative untuned start scaled to the training rows: {@code n} rows of which {@code
   * positives} are positive.
   *
   * <ul>
   *   <li>min_data_in_leaf = √(max(5, n/1000) · max(20, n/10)), the geometric middle of the tuned
   *       range (about n/100 for large n, 22 at n = 1,000)
   *   <li>num_leaves = n / (2 · min_data_in_leaf), within 4–15
   *   <li>max_depth 6, learning_rate 0.05, feature_fraction 0.8, bagging 0.8 every iteration
   *   <li>lambda_l2 1, lambda_l1 0, min_sum_hessian_in_leaf = positives / 200 within 10⁻³–1
   * </ul>
   */
  public static Hyperparameters forData(int n, int positives) {
    int minData = (int) Math.round(Math.sqrt(minDataLow(n) * minDataHigh(n)));
    int leaves = (int) Math.max(4, Math.min(15, n / (2L * Math.max(1, minData))));
    double hessian = Math.max(LIGHTGBM_MIN_SUM_HESSIAN, Math.min(1.0, positives / 200.0));
    return new Hyperparameters(
        leaves, 0.05, Math.max(1, minData), 0.8, 0.8, 1, 0.0, 1.0, 6, hessian);
  }

  /** The smallest min_data_in_leaf worth trying on {@code n} rows: max(5, n/1000). */
  public static double minDataLow(int n) {
    return Math.max(5.0, n / 1000.0);
  }

  /** The largest min_data_in_leaf worth trying on {@code n} rows: max(20, n/10). */
  public static double minDataHigh(int n) {
    return Math.max(20.0, n / 10.0);
  }

  /**
   * These parameters with some replaced by name ({@link #NAMES}); integer parameters take the value
   * rounded.
   *
   * @throws IllegalArgumentException for an unknown name or a value out of range (the message names
   *     the parameter)
   */
  public Hyperparameters with(Map<String, Double> values) {
    Set<String> unknown = new TreeSet<>(values.keySet());
    NAMES.forEach(unknown::remove);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown LightGBM parameters " + unknown + "; known: " + NAMES);
    }
    return new Hyperparameters(
        (int) Math.round(values.getOrDefault("num_leaves", (double) numLeaves)),
        values.getOrDefault("learning_rate", learningRate),
        (int) Math.round(values.getOrDefault("min_data_in_leaf", (double) minDataInLeaf)),
        values.getOrDefault("feature_fraction", featureFraction),
        values.getOrDefault("bagging_fraction", baggingFraction),
        (int) Math.round(values.getOrDefault("bagging_freq", (double) baggingFreq)),
        values.getOrDefault("lambda_l1", lambdaL1),
        values.getOrDefault("lambda_l2", lambdaL2),
        depth(values.getOrDefault("max_depth", (double) maxDepth)),
        values.getOrDefault("min_sum_hessian_in_leaf", minSumHessianInLeaf));
  }

  /** LightGBM reads any max_depth ≤ 0 as "no limit". */
  private static int depth(double v) {
    long d = Math.round(v);
    return d <= 0 ? UNLIMITED_DEPTH : (int) Math.min(Integer.MAX_VALUE, d);
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
    m.put("max_depth", Integer.toString(maxDepth));
    m.put("min_sum_hessian_in_leaf", fmt(minSumHessianInLeaf));
    return m;
  }

  /**
   * Six significant digits, no trailing zeros, never scientific notation LightGBM might misread.
   */
  static String fmt(double v) {
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
