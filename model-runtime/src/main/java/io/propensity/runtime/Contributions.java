package io.propensity.runtime;

import java.util.Arrays;

/**
 * How each feature moved one row's raw score (log-odds) away from the model's expected value.
 * {@code bias + sum(perFeature) == raw score}.
 *
 * @param perFeature contribution of each feature, in schema order
 * @param bias the expected raw score over the training data
 */
public record Contributions(double[] perFeature, double bias) {
  public Contributions {
    perFeature = perFeature.clone();
  }

  @Override
  public double[] perFeature() {
    return perFeature.clone();
  }

  /** Number of features. */
  public int featureCount() {
    return perFeature.length;
  }

  /** Contribution of one feature, without copying the array. */
  public double contribution(int feature) {
    return perFeature[feature];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Contributions other
        && Double.compare(bias, other.bias) == 0
        && Arrays.equals(perFeature, other.perFeature);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(perFeature) + Double.hashCode(bias);
  }

  @Override
  public String toString() {
    return "Contributions[perFeature=" + Arrays.toString(perFeature) + ", bias=" + bias + "]";
  }

  /** bias + all contributions: the raw score. */
  public double rawScore() {
    double s = bias;
    for (double c : perFeature) {
      s += c;
    }
    return s;
  }
}
