package io.propensity.training.pipeline.tuning;

import io.propensity.training.pipeline.model.Hyperparameters;
import java.util.List;
import java.util.Random;

/**
 * The hyperparameter search space. Each dimension is searched in a unit interval [0, 1] and mapped
 * to its parameter range, linearly or on a log scale (for rates and penalties, whose effect is
 * multiplicative); integer parameters are rounded.
 *
 * <p>Default ranges ({@link #defaults()}):
 *
 * <ul>
 *   <li>num_leaves 8–128 (log)
 *   <li>learning_rate 0.01–0.3 (log)
 *   <li>min_data_in_leaf 5–200 (log)
 *   <li>feature_fraction 0.5–1.0
 *   <li>bagging_fraction 0.5–1.0, bagging_freq 0–5 (0 = no bagging)
 *   <li>lambda_l1 1e-8–10 (log), lambda_l2 1e-8–10 (log)
 * </ul>
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

  public static final List<String> ORDER =
      List.of(
          "num_leaves",
          "learning_rate",
          "min_data_in_leaf",
          "feature_fraction",
          "bagging_fraction",
          "bagging_freq",
          "lambda_l1",
          "lambda_l2");

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

  /** The documented default ranges. */
  public static SearchSpace defaults() {
    return new SearchSpace(
        List.of(
            new Dimension("num_leaves", 8, 128, true, true),
            new Dimension("learning_rate", 0.01, 0.3, true, false),
            new Dimension("min_data_in_leaf", 5, 200, true, true),
            new Dimension("feature_fraction", 0.5, 1.0, false, false),
            new Dimension("bagging_fraction", 0.5, 1.0, false, false),
            new Dimension("bagging_freq", 0, 5, false, true),
            new Dimension("lambda_l1", 1e-8, 10, true, false),
            new Dimension("lambda_l2", 1e-8, 10, true, false)));
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

  /** The hyperparameters at a unit-cube point. */
  public Hyperparameters toHyperparameters(double[] u) {
    return new Hyperparameters(
        (int) dimensions.get(0).fromUnit(u[0]),
        dimensions.get(1).fromUnit(u[1]),
        (int) dimensions.get(2).fromUnit(u[2]),
        dimensions.get(3).fromUnit(u[3]),
        dimensions.get(4).fromUnit(u[4]),
        (int) dimensions.get(5).fromUnit(u[5]),
        dimensions.get(6).fromUnit(u[6]),
        dimensions.get(7).fromUnit(u[7]));
  }
}
