package io.propensity.inference.challenge;

import io.propensity.common.stats.StandardNormal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * DeLong, DeLong and Clarke-Pearson's (1988) test of two correlated ROC-AUCs: two models scored on
 * the same rows. Hand-written (no maintained Java implementation exists): the structural components
 * come from mid-ranks (Sun and Xu, 2014), O(n log n), so a week of live answers is compared in
 * milliseconds; a tied positive/negative pair counts ½, as in the runtime's evaluator.
 */
public final class DeLong {
  private DeLong() {}

  /**
   * The paired test of {@code aucA − aucB}.
   *
   * @param a model A's scores per row
   * @param b model B's scores for the same rows
   * @param labels each row's outcome
   * @param level confidence level of the interval of the difference, in (0, 1)
   * @throws IllegalArgumentException for mismatched lengths, a level outside (0, 1), or rows of a
   *     single class
   */
  public static Result test(double[] a, double[] b, boolean[] labels, double level) {
    if (a.length != labels.length || b.length != labels.length) {
      throw new IllegalArgumentException(
          a.length + " and " + b.length + " scores for " + labels.length + " labels");
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level is " + level + "; expected a value in (0, 1)");
    }
    Components ca = components(a, labels);
    Components cb = components(b, labels);
    double variance =
        differenceVariance(ca.v10(), cb.v10()) / ca.v10().length
            + differenceVariance(ca.v01(), cb.v01()) / ca.v01().length;
    double difference = ca.auc() - cb.auc();
    double se = Math.sqrt(Math.max(variance, 0));
    double zCrit = StandardNormal.quantile(0.5 + level / 2);
    double p;
    if (se == 0) {
      p = difference == 0 ? 1.0 : 0.0;
    } else {
      p = Math.min(1.0, 2 * StandardNormal.cdf(-Math.abs(difference / se)));
    }
    return new Result(
        ca.auc(),
        cb.auc(),
        difference,
        se,
        difference - zCrit * se,
        difference + zCrit * se,
        p,
        level);
  }

  /**
   * One model's ROC-AUC with DeLong's interval at {@code level}, clipped to [0, 1]: {@code {auc,
   * low, high}}.
   *
   * @throws IllegalArgumentException for mismatched lengths, a level outside (0, 1), or rows of a
   *     single class
   */
  public static double[] interval(double[] scores, boolean[] labels, double level) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          scores.length + " scores for " + labels.length + " labels");
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level is " + level + "; expected a value in (0, 1)");
    }
    Components c = components(scores, labels);
    double variance =
        differenceVariance(c.v10(), new double[c.v10().length]) / c.v10().length
            + differenceVariance(c.v01(), new double[c.v01().length]) / c.v01().length;
    double half = StandardNormal.quantile(0.5 + level / 2) * Math.sqrt(Math.max(variance, 0));
    return new double[] {c.auc(), Math.max(0, c.auc() - half), Math.min(1, c.auc() + half)};
  }

  /**
   * DeLong's structural components of one model's scores: per positive, the share of negatives
   * below it (V10); per negative, the share of positives above it (V01); ties count ½.
   */
  private record Components(double[] v10, double[] v01, double auc) {}

  private static Components components(double[] scores, boolean[] labels) {
    int m = 0;
    for (boolean l : labels) {
      if (l) {
        m++;
      }
    }
    int n = labels.length - m;
    if (m == 0 || n == 0) {
      throw new IllegalArgumentException(
          "DeLong needs both classes; have " + m + " positives and " + n + " negatives");
    }
    double[] x = new double[m];
    double[] y = new double[n];
    int xi = 0;
    int yi = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i]) {
        x[xi++] = scores[i];
      } else {
        y[yi++] = scores[i];
      }
    }
    double[] z = new double[m + n];
    System.arraycopy(x, 0, z, 0, m);
    System.arraycopy(y, 0, z, m, n);
    double[] tz = midRanks(z);
    double[] tx = midRanks(x);
    double[] ty = midRanks(y);
    double[] v10 = new double[m];
    double[] v01 = new double[n];
    double sum = 0;
    for (int i = 0; i < m; i++) {
      v10[i] = (tz[i] - tx[i]) / n;
      sum += v10[i];
    }
    for (int j = 0; j < n; j++) {
      v01[j] = 1 - (tz[m + j] - ty[j]) / m;
    }
    return new Components(v10, v01, sum / m);
  }

  /** Sample variance of {@code u − w} (= var u + var w − 2 cov), divisor count − 1. */
  private static double differenceVariance(double[] u, double[] w) {
    int len = u.length;
    if (len < 2) {
      return 0;
    }
    double mean = 0;
    for (int i = 0; i < len; i++) {
      mean += u[i] - w[i];
    }
    mean /= len;
    double ss = 0;
    for (int i = 0; i < len; i++) {
      double d = u[i] - w[i] - mean;
      ss += d * d;
    }
    return ss / (len - 1);
  }

  /** 1-based ranks, tied values sharing the mean of their ranks. */
  public static double[] midRanks(double[] values) {
    Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[values.length];
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j < order.length && values[order[j]] == values[order[i]]) {
        j++;
      }
      double rank = (i + 1 + j) / 2.0; // mean of ranks i+1 .. j
      for (int k = i; k < j; k++) {
        ranks[order[k]] = rank;
      }
      i = j;
    }
    return ranks;
  }

  /**
   * DeLong's test of two paired ROC-AUCs.
   *
   * @param aucA model A's ROC-AUC
   * @param aucB model B's ROC-AUC
   * @param difference {@code aucA − aucB}
   * @param standardError DeLong's standard error of the difference
   * @param lower lower bound of the normal interval of the difference at {@code level}
   * @param upper upper bound
   * @param pValue two-sided p-value of "no difference"
   * @param level the interval's confidence level
   */
  public record Result(
      double aucA,
      double aucB,
      double difference,
      double standardError,
      double lower,
      double upper,
      double pValue,
      double level) {}
}
