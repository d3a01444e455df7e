package io.propensity.training.pipeline.imbalance;

import io.propensity.training.pipeline.TrainingDataException;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * SMOTE (Chawla et al. 2002) over a dataset's fitting rows.
 *
 * <p>Hand-written because no maintained Java SMOTE is on Maven Central that fits here: Weka's
 * filter is GPL and needs Weka Instances, Smile and Tribuo have none, and we need categorical
 * columns copied (not interpolated) and a guarantee that only the fitting rows are touched.
 *
 * <p>Distance: Euclidean over standardised NUMERIC and BOOLEAN features (missing dimensions skipped
 * and the rest rescaled); CATEGORICAL features take no part. A synthetic row interpolates each
 * NUMERIC feature between a base minority row and one of its k nearest minority neighbours (keeping
 * the base value where either is missing) and copies BOOLEAN and CATEGORICAL values from the base
 * row. The exact search is quadratic in the minority size, so on large training sets it is bounded:
 * at most {@link #MAX_BASE_ROWS} distinct base rows, and neighbours searched among a seeded sample
 * of the minority small enough to stay within {@link #SEARCH_BUDGET} distance terms (never fewer
 * than 10·k + 1 candidates). Small sets get the exact algorithm.
 */
public final class Smote {
  /**
   * Candidate neighbours per search at most; beyond this a seeded sample of the minority is used.
   */
  public static final int MAX_NEIGHBOUR_POOL = 10_000;

  /** Distinct base rows at most; synthetic rows cycle over them. */
  public static final int MAX_BASE_ROWS = 20_000;

  /** Distance terms (base rows × candidates × dimensions) one resampling may compute. */
  public static final long SEARCH_BUDGET = 1_000_000_000L;

  private Smote() {}

  /**
   * The fitting rows followed by synthetic minority rows so that minority/majority reaches {@code
   * targetRatio} (no rows are added when it already does).
   */
  public static FitData resample(
      Dataset data, int[] fitRows, int k, double targetRatio, long seed) {
    int cols = data.featureCount();
    boolean[] labels = data.labels(fitRows);
    int pos = 0;
    for (boolean l : labels) {
      if (l) {
        pos++;
      }
    }
    boolean minorityLabel = pos <= fitRows.length - pos;
    int minorityCount = minorityLabel ? pos : fitRows.length - pos;
    int majorityCount = fitRows.length - minorityCount;
    long target = (long) Math.ceil(targetRatio * majorityCount);
    int synthetic = (int) Math.max(0, Math.min(Integer.MAX_VALUE / 2, target - minorityCount));
    double[] original = data.flatRows(fitRows);
    if (synthetic == 0) {
      return new FitData(original, cols, labels, fitRows.length, 1.0);
    }
    if (minorityCount < 2) {
      throw new TrainingDataException(
          "SMOTE needs at least 2 "
              + (minorityLabel ? "positive" : "negative")
              + " training rows, found "
              + minorityCount
              + "; use class weights instead");
    }
    int[] minority = new int[minorityCount]; // positions within fitRows
    int m = 0;
    for (int i = 0; i < fitRows.length; i++) {
      if (labels[i] == minorityLabel) {
        minority[m++] = i;
      }
    }

    // standardisation over all fitting rows, NUMERIC and BOOLEAN dimensions only
    int[] dims =
        IntStream.range(0, cols).filter(f -> data.kind(f) != FeatureKind.CATEGORICAL).toArray();
    double[] mean = new double[cols];
    double[] scale = new double[cols];
    for (int f : dims) {
      double s = 0;
      double s2 = 0;
      int n = 0;
      for (int i = 0; i < fitRows.length; i++) {
        double v = original[i * cols + f];
        if (!Double.isNaN(v)) {
          s += v;
          s2 += v * v;
          n++;
        }
      }
      mean[f] = n == 0 ? 0 : s / n;
      double var = n == 0 ? 0 : s2 / n - mean[f] * mean[f];
      scale[f] = var > 1e-24 ? 1 / Math.sqrt(var) : 0; // constant columns do not count
    }

    Random rnd = new Random(seed);
    // base rows: a seeded permutation of the minority, at most MAX_BASE_ROWS of them, cycled
    int[] order = minority.clone();
    for (int i = order.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int bases = Math.min(Math.min(order.length, synthetic), MAX_BASE_ROWS);
    // candidate neighbours: all minority rows while the search fits the budget, else a seeded
    // sample
    long perCandidate = (long) bases * Math.max(1, dims.length);
    int poolSize =
        (int)
            Math.min(
                minority.length,
                Math.max(Math.min(MAX_NEIGHBOUR_POOL, SEARCH_BUDGET / perCandidate), 10L * k + 1));
    int[] pool = minority;
    if (poolSize < minority.length) {
      pool = minority.clone();
      for (int i = 0; i < poolSize; i++) { // partial Fisher-Yates
        int j = i + rnd.nextInt(pool.length - i);
        int t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
      }
      pool = Arrays.copyOf(pool, poolSize);
    }
    int kEff = Math.min(k, pool.length - 1);
    int[][] neighbours = new int[bases][];
    final int[] candidates = pool;
    // independent per base row, so the parallel search is deterministic
    IntStream.range(0, bases)
        .parallel()
        .forEach(
            b ->
                neighbours[b] =
                    nearest(original, cols, dims, mean, scale, order[b], candidates, kEff));

    int total = fitRows.length + synthetic;
    double[] values = Arrays.copyOf(original, Math.multiplyExact(total, cols));
    boolean[] allLabels = Arrays.copyOf(labels, total);
    for (int s = 0; s < synthetic; s++) {
      int b = s % bases;
      int base = order[b];
      int[] nb = neighbours[b];
      int other = nb[rnd.nextInt(nb.length)];
      double gap = rnd.nextDouble();
      int out = (fitRows.length + s) * cols;
      for (int f = 0; f < cols; f++) {
        double bv = original[base * cols + f];
        double ov = original[other * cols + f];
        values[out + f] =
            data.kind(f) == FeatureKind.NUMERIC && !Double.isNaN(bv) && !Double.isNaN(ov)
                ? bv + gap * (ov - bv)
                : bv;
      }
      allLabels[fitRows.length + s] = minorityLabel;
    }
    return new FitData(values, cols, allLabels, fitRows.length, 1.0);
  }

  /** The k nearest other rows of {@code self} among {@code pool} (positions into {@code x}). */
  private static int[] nearest(
      double[] x,
      int cols,
      int[] dims,
      double[] mean,
      double[] scale,
      int self,
      int[] pool,
      int k) {
    int[] best = new int[k];
    double[] bestD = new double[k];
    Arrays.fill(bestD, Double.POSITIVE_INFINITY);
    Arrays.fill(best, -1);
    int filled = 0;
    for (int c : pool) {
      if (c == self) {
        continue;
      }
      double d = distance(x, cols, dims, scale, self, c);
      if (filled < k || d < bestD[k - 1]) {
        int pos = Math.min(filled, k - 1);
        while (pos > 0 && bestD[pos - 1] > d) {
          bestD[pos] = bestD[pos - 1];
          best[pos] = best[pos - 1];
          pos--;
        }
        bestD[pos] = d;
        best[pos] = c;
        if (filled < k) {
          filled++;
        }
      }
    }
    return Arrays.copyOf(best, filled);
  }

  private static double distance(double[] x, int cols, int[] dims, double[] scale, int a, int b) {
    double sum = 0;
    int used = 0;
    int usable = 0;
    for (int f : dims) {
      if (scale[f] == 0) {
        continue;
      }
      usable++;
      double va = x[a * cols + f];
      double vb = x[b * cols + f];
      if (Double.isNaN(va) || Double.isNaN(vb)) {
        continue;
      }
      double d = (va - vb) * scale[f];
      sum += d * d;
      used++;
    }
    if (usable == 0) {
      return 0; // no informative dimension: every neighbour is as good as another
    }
    return used == 0 ? Double.POSITIVE_INFINITY : sum * usable / used;
  }
}
