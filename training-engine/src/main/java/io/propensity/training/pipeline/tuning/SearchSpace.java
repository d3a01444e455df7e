package io.propensity.training.pipeline.tuning;

import io.propensity.training.pipeline.model.Hyperparameters;
import java.util.List;
import java.util.Random;

/**
 * The hyperparameter search space. Each dimension is searched in a unit interval [0, 1] and mapped
 * to its parameter range, linearly or on a log scale (for rates, penalties and sizes, whose effect
 * is multiplicative); integer parameters are rounded.
 *
 * <p>The ranges come from the training rows ({@link #forData}): with n rows, p of them positive,
 *
 * <ul>
 *   <li>min_data_in_leaf max(5, n/1000) – max(20, n/10) (log): small data cannot support tiny
 *       leaves, and a leaf of a large set may hold many rows
 *   <li>num_leaves 4 – clamp(n / (2 · max(5, n/1000)), 8, 64) (log); a trial's value is also capped
 *       at n / min_data_in_leaf and 2^max_depth, as more leaves than that cannot be grown
 *   <li>max_depth 2 – 10
 *   <li>learning_rate 0.02 – 0.2 (log)
 *   <li>feature_fraction 0.3 – 1.0; bagging_fraction 0.5 – 1.0, bagging_freq 0 – 5 (0 = no bagging)
 *   <li>lambda_l1 10⁻⁴ – 10 (log), lambda_l2 10⁻³ – 100 (log)
 *   <li>min_sum_hessian_in_leaf 10⁻³ – clamp(p/20, 0.01, 10) (log): for log loss a row adds p(1−p)
 *       to a leaf's hessian, so with few positives this keeps leaves from isolating a handful of
 *       them
 * </ul>
 *
 * <p>No range depends on a particular data set: only on n and p.
 */
public record SearchSpace(List<Dimension> dimensions) {

  /** One searched parameter. */
  public record Dimension(String name, double low, double high, boolean logScale, boolean integer) {
    public Dimension {
      if (!(low < high) || (logScale && low <= 0)) {
        throw new IllegalArgumentException("invalid range for " + name + ": " + low + ".." + high);
      }
    }

    /** The parameter value at unit position {@code u}. */
    public double fromUnit(double u) {
      double c = Math.min(1, Math.max(0, u));
      double v =
          logScale
              ? Math.exp(Math.log(low) + c * (Math.log(high) - Math.log(low)))
              : low + c * (high - low);
      return integer ? Math.round(v) : v;
    }
  }

  /** The searched parameters, in dimension order: every tunable LightGBM parameter. */
  public static final List<String> ORDER = Hyperparameters.NAMES;

  public SearchSpace {
    dimensions = List.copyOf(dimensions);
    if (dimensions.size() != ORDER.size()) {
      throw new IllegalArgumentException("the search space needs exactly the dimensions " + ORDER);
    }
    for (int i = 0; i < ORDER.size(); i++) {
      if (!dimensions.get(i).name().equals(ORDER.get(i))) {
        throw new IllegalArgumentException("dimension " + i + " must be " + ORDER.get(i));
      }
    }
  }

  /**
   * The documented ranges for {@code n} training rows of which {@code positives} are positive.
   *
   * @throws IllegalArgumentException when {@code n < 1} or {@code positives} is outside 0..n
   */
  public static SearchSpace forData(int n, int positives) {
    if (n < 1 || positives < 0 || positives > n) {
      throw new IllegalArgumentException(
          "need n >= 1 and 0 <= positives <= n, got n=" + n + ", positives=" + positives);
    }
    double minDataLow = Math.round(Hyperparameters.minDataLow(n));
    double minDataHigh = Math.round(Hyperparameters.minDataHigh(n));
    double leavesHigh = Math.max(8, Math.min(64, Math.floor(n / (2 * minDataLow))));
    double hessianHigh = Math.max(0.01, Math.min(10, positives / 20.0));
    return new SearchSpace(
        List.of(
            new Dimension("num_leaves", 4, leavesHigh, true, true),
            new Dimension("learning_rate", 0.02, 0.2, true, false),
            new Dimension("min_data_in_leaf", minDataLow, minDataHigh, true, true),
            new Dimension("feature_fraction", 0.3, 1.0, false, false),
            new Dimension("bagging_fraction", 0.5, 1.0, false, false),
            new Dimension("bagging_freq", 0, 5, false, true),
            new Dimension("lambda_l1", 1e-4, 10, true, false),
            new Dimension("lambda_l2", 1e-3, 100, true, false),
            new Dimension("max_depth", 2, 10, false, true),
            new Dimension(
                "min_sum_hessian_in_leaf",
                Hyperparameters.LIGHTGBM_MIN_SUM_HESSIAN,
                hessianHigh,
                true,
                false)));
  }

  /** The dimension named {@code name}. */
  public Dimension dimension(String name) {
    int i = ORDER.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no dimension " + name + "; dimensions: " + ORDER);
    }
    return dimensions.get(i);
  }

  public int size() {
    return dimensions.size();
  }

  /** A uniformly random point of the unit cube. */
  public double[] randomUnit(Random rnd) {
    double[] u = new double[size()];
    for (int i = 0; i < u.length; i++) {
      u[i] = rnd.nextDouble();
    }
    return u;
  }

  /**
   * The hyperparameters at a unit-cube point, with num_leaves capped at what {@code n} rows can
   * grow under the point's min_data_in_leaf and max_depth.
   */
  public Hyperparameters toHyperparameters(double[] u, int n) {
    Hyperparameters hp = toHyperparameters(u);
    long byRows = Math.max(2, (long) n / hp.minDataInLeaf());
    long byDepth = 1L << Math.min(30, hp.maxDepth());
    int leaves = (int) Math.max(2, Math.min(hp.numLeaves(), Math.min(byRows, byDepth)));
    return new Hyperparameters(
        leaves,
        hp.learningRate(),
        hp.minDataInLeaf(),
        hp.featureFraction(),
        hp.baggingFraction(),
        hp.baggingFreq(),
        hp.lambdaL1(),
        hp.lambdaL2(),
        hp.maxDepth(),
        hp.minSumHessianInLeaf());
  }

  /** The hyperparameters at a unit-cube point, exactly as the ranges map it. */
  public Hyperparameters toHyperparameters(double[] u) {
    return new Hyperparameters(
        (int) dimensions.get(0).fromUnit(u[0]),
        dimensions.get(1).fromUnit(u[1]),
        (int) dimensions.get(2).fromUnit(u[2]),
        dimensions.get(3).fromUnit(u[3]),
        dimensions.get(4).fromUnit(u[4]),
        (int) dimensions.get(5).fromUnit(u[5]),
        dimensions.get(6).fromUnit(u[6]),
        dimensions.get(7).fromUnit(u[7]),
        (int) dimensions.get(8).fromUnit(u[8]),
        dimensions.get(9).fromUnit(u[9]));
  }
}
