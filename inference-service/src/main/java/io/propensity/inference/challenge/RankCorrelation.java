package io.propensity.inference.challenge;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Rank correlations of two models' scores on the same rows: do they order users alike? */
public final class RankCorrelation {
  private RankCorrelation() {}

  /** Spearman's ρ: Pearson's correlation of the mid-ranks; NaN when either side is constant. */
  public static double spearman(double[] x, double[] y) {
    check(x, y);
    double[] rx = DeLong.midRanks(x);
    double[] ry = DeLong.midRanks(y);
    int n = x.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += rx[i];
      my += ry[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  /**
   * Kendall's τ-b (ties corrected); NaN when either side is constant. Knight's (1966) O(n log n)
   * algorithm, hand-written because the pair-by-pair definition is quadratic in a week of answers.
   */
  public static double kendall(double[] x, double[] y) {
    check(x, y);
    int n = x.length;
    Integer[] boxed = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(
        boxed, Comparator.<Integer>comparingDouble(i -> x[i]).thenComparingDouble(i -> y[i]));
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = boxed[i];
    }
    long pairs = (long) n * (n - 1) / 2;
    long tiesX = 0;
    long tiesXY = 0;
    int i = 0;
    while (i < n) {
      int j = i + 1;
      while (j < n && x[order[j]] == x[order[i]]) {
        j++;
      }
      tiesX += (long) (j - i) * (j - i - 1) / 2;
      int k = i;
      while (k < j) {
        int l = k + 1;
        while (l < j && y[order[l]] == y[order[k]]) {
          l++;
        }
        tiesXY += (long) (l - k) * (l - k - 1) / 2;
        k = l;
      }
      i = j;
    }
    long swaps = sortCountingSwaps(order, y);
    long tiesY = 0;
    i = 0;
    while (i < n) {
      int j = i + 1;
      while (j < n && y[order[j]] == y[order[i]]) {
        j++;
      }
      tiesY += (long) (j - i) * (j - i - 1) / 2;
      i = j;
    }
    double denominator = Math.sqrt((double) (pairs - tiesX) * (pairs - tiesY));
    if (denominator == 0) {
      return Double.NaN;
    }
    long concordantMinusDiscordant = pairs - tiesX - tiesY + tiesXY - 2 * swaps;
    return concordantMinusDiscordant / denominator;
  }

  /** Stable merge sort of {@code order} by {@code y}, returning the number of inversions. */
  private static long sortCountingSwaps(int[] order, double[] y) {
    int n = order.length;
    int[] buffer = new int[n];
    long swaps = 0;
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n - width; lo += 2 * width) {
        int mid = lo + width;
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int b = mid;
        int out = lo;
        while (a < mid && b < hi) {
          if (y[order[b]] < y[order[a]]) {
            swaps += mid - a;
            buffer[out++] = order[b++];
          } else {
            buffer[out++] = order[a++];
          }
        }
        while (a < mid) {
          buffer[out++] = order[a++];
        }
        while (b < hi) {
          buffer[out++] = order[b++];
        }
        System.arraycopy(buffer, lo, order, lo, hi - lo);
      }
    }
    return swaps;
  }

  private static void check(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " and " + y.length + " values; expected pairs");
    }
    if (x.length < 2) {
      throw new IllegalArgumentException("a rank correlation needs at least 2 pairs");
    }
  }
}
