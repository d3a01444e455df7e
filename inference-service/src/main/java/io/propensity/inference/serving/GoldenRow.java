package io.propensity.inference.serving;

/**
 * A reference row of a model version and the probability its artifact must give it.
 *
 * @param values feature values in schema order
 * @param expectedProbability the probability recorded at registration
 */
public record GoldenRow(double[] values, double expectedProbability) {
  public GoldenRow {
    values = values.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }
}
