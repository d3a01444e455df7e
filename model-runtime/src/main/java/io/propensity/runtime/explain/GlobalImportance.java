package io.propensity.runtime.explain;

import io.propensity.runtime.Contributions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Which features matter across many predictions: mean |SHAP| per feature. */
public final class GlobalImportance {

  private GlobalImportance() {}

  /**
   * Mean absolute contribution of each feature over the rows, in schema order.
   *
   * @throws IllegalArgumentException if there are no rows or rows differ in feature count
   */
  public static double[] meanAbsShap(Contributions[] rows) {
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException("no contributions to aggregate");
    }
    int n = rows[0].featureCount();
    double[] sums = new double[n];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].featureCount() != n) {
        throw new IllegalArgumentException(
            "rows[" + r + "] has " + rows[r].featureCount() + " features, rows[0] has " + n);
      }
      for (int i = 0; i < n; i++) {
        sums[i] += Math.abs(rows[r].contribution(i));
      }
    }
    for (int i = 0; i < n; i++) {
      sums[i] /= rows.length;
    }
    return sums;
  }

  /** {@link #meanAbsShap} with names, most important first (ties: schema order). */
  public static List<FeatureImportance> ranked(Contributions[] rows, List<String> names) {
    double[] importance = meanAbsShap(rows);
    if (names == null || names.size() != importance.length) {
      throw new IllegalArgumentException(
          importance.length + " features but " + (names == null ? 0 : names.size()) + " names");
    }
    List<FeatureImportance> out = new ArrayList<>(importance.length);
    for (int i = 0; i < importance.length; i++) {
      out.add(new FeatureImportance(names.get(i), importance[i]));
    }
    out.sort(Comparator.comparingDouble(FeatureImportance::meanAbsShap).reversed());
    return List.copyOf(out);
  }
}
