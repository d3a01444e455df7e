package io.propensity.runtime.explain;

import io.propensity.runtime.Contributions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The features that moved one prediction the most. */
public final class TopFactors {

  private TopFactors() {}

  /**
   * Up to {@code k} features ordered by decreasing |contribution| (ties: schema order). Features
   * with a contribution of exactly 0 did not move the score and are never listed.
   *
   * @param contributions the row's SHAP values
   * @param row the scored row, in schema order
   * @param names feature names, in schema order
   * @param k how many factors at most, ≥ 0
   * @throws IllegalArgumentException if the three inputs disagree in length or k &lt; 0
   */
  public static List<Factor> top(
      Contributions contributions, double[] row, List<String> names, int k) {
    if (contributions == null || row == null || names == null) {
      throw new IllegalArgumentException("contributions, row and names must not be null");
    }
    if (k < 0) {
      throw new IllegalArgumentException("k must not be negative, got " + k);
    }
    int n = contributions.featureCount();
    if (row.length != n || names.size() != n) {
      throw new IllegalArgumentException(
          "contributions cover "
              + n
              + " features but the row has "
              + row.length
              + " values and "
              + names.size()
              + " names");
    }
    List<Factor> factors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double c = contributions.contribution(i);
      if (c != 0.0) {
        factors.add(new Factor(names.get(i), row[i], c));
      }
    }
    // List.sort is stable, so equal magnitudes keep schema order.
    factors.sort(Comparator.comparingDouble((Factor f) -> Math.abs(f.contribution())).reversed());
    return List.copyOf(factors.subList(0, Math.min(k, factors.size())));
  }
}
