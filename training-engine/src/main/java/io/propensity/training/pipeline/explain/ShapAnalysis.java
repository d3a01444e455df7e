package io.propensity.training.pipeline.explain;

import io.propensity.runtime.Contributions;
import io.propensity.runtime.ScoringModel;
import io.propensity.runtime.explain.FeatureImportance;
import io.propensity.runtime.explain.GlobalImportance;
import io.propensity.training.pipeline.ShapSummary;
import io.propensity.training.pipeline.imbalance.FitData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * SHAP over test rows with model-runtime's TreeSHAP: global importance (mean |SHAP|), beeswarm
 * points and dependence-plot data.
 */
public final class ShapAnalysis {

  /**
   * @param importances mean |SHAP| per feature, most important first
   * @param summary beeswarm and dependence data
   */
  public record Result(List<FeatureImportance> importances, ShapSummary summary) {}

  private ShapAnalysis() {}

  /**
   * Explains a seeded sample of at most {@code maxRows} rows of {@code rows}.
   *
   * @param names feature names in schema order
   */
  public static Result explain(
      ScoringModel model,
      FitData rows,
      List<String> names,
      int maxRows,
      int pointsPerFeature,
      int dependencePlots,
      long seed) {
    int[] sample = sample(rows.rows(), maxRows, new Random(seed));
    double[][] x = new double[sample.length][];
    for (int i = 0; i < sample.length; i++) {
      x[i] = rows.row(sample[i]);
    }
    Contributions[] c = model.contributions(x);
    List<FeatureImportance> ranked = GlobalImportance.ranked(c, names);
    int[] points = sample(sample.length, pointsPerFeature, new Random(seed + 1));
    List<ShapSummary.FeatureShap> features = new ArrayList<>();
    for (FeatureImportance fi : ranked) {
      int f = names.indexOf(fi.feature());
      List<Double> values = new ArrayList<>(points.length);
      List<Double> shap = new ArrayList<>(points.length);
      for (int p : points) {
        values.add(x[p][f]);
        shap.add(c[p].contribution(f));
      }
      features.add(new ShapSummary.FeatureShap(fi.feature(), fi.meanAbsShap(), values, shap));
    }
    List<ShapSummary.Dependence> dependence = new ArrayList<>();
    int top = Math.min(dependencePlots, ranked.size());
    int candidates = Math.min(10, ranked.size());
    int[] depPoints = sample(sample.length, Math.max(pointsPerFeature, 500), new Random(seed + 2));
    for (int k = 0; k < top; k++) {
      if (ranked.get(k).meanAbsShap() == 0) {
        break;
      }
      int f = names.indexOf(ranked.get(k).feature());
      int color = -1;
      double bestCorr = -1;
      for (int j = 0; j < candidates; j++) {
        int g = names.indexOf(ranked.get(j).feature());
        if (g == f) {
          continue;
        }
        double corr = Math.abs(correlation(x, c, depPoints, g, f));
        if (corr > bestCorr) {
          bestCorr = corr;
          color = g;
        }
      }
      List<Double> values = new ArrayList<>();
      List<Double> shap = new ArrayList<>();
      List<Double> colors = new ArrayList<>();
      for (int p : depPoints) {
        values.add(x[p][f]);
        shap.add(c[p].contribution(f));
        colors.add(color < 0 ? Double.NaN : x[p][color]);
      }
      dependence.add(
          new ShapSummary.Dependence(
              names.get(f), color < 0 ? "" : names.get(color), values, shap, colors));
    }
    double bias = c.length == 0 ? 0 : c[0].bias();
    return new Result(ranked, new ShapSummary(sample.length, bias, features, dependence));
  }

  /** Pearson correlation of feature g's value with feature f's SHAP, NaN rows skipped. */
  private static double correlation(double[][] x, Contributions[] c, int[] rows, int g, int f) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int n = 0;
    for (int r : rows) {
      double a = x[r][g];
      if (Double.isNaN(a)) {
        continue;
      }
      double b = c[r].contribution(f);
      sx += a;
      sy += b;
      sxx += a * a;
      syy += b * b;
      sxy += a * b;
      n++;
    }
    if (n < 3) {
      return 0;
    }
    double cov = sxy / n - (sx / n) * (sy / n);
    double vx = sxx / n - (sx / n) * (sx / n);
    double vy = syy / n - (sy / n) * (sy / n);
    return vx <= 0 || vy <= 0 ? 0 : cov / Math.sqrt(vx * vy);
  }

  /** A seeded sample of at most {@code max} of {@code 0..n-1}, ascending. */
  public static int[] sample(int n, int max, Random rnd) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    if (n <= max) {
      return all;
    }
    for (int i = 0; i < max; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] out = Arrays.copyOf(all, max);
    Arrays.sort(out);
    return out;
  }
}
