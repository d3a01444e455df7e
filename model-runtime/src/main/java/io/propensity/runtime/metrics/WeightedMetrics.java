package io.propensity.runtime.metrics;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@link IntervalMetric}s of one scorer on weighted rows, each in O(n): the rows are sorted by
 * score once, here, and every call walks them in that order with the weights it is given. A
 * bootstrap resample is a weight per row (how many times the row was drawn), so a resample costs
 * one pass instead of a sort.
 *
 * <p>Ties are handled as {@link Evaluator} handles them: rows of equal score form one group; in
 * ROC-AUC a tied positive/negative pair counts ½ (Mann–Whitney), and average precision steps once
 * per group. With every weight 1 the values are Evaluator's (up to floating-point summation order).
 *
 * <p>Immutable and thread-safe; {@link #compute} allocates nothing.
 */
public final class WeightedMetrics {
  private static final int METRICS = IntervalMetric.values().length;

  // Per position k of the rows sorted by decreasing score (ties in input order):
  private final int[] row; // the row at position k
  private final boolean[] label;
  private final boolean[] decision;
  private final double[] logLoss; // the row's own log-loss term
  private final double[] squaredError;
  private final int[] groupEnd; // groupEnd[g] = first position after group g of equal scores

  private WeightedMetrics(Scorer scorer, boolean[] labels) {
    RankedScores ranked = RankedScores.of(scorer.probabilities(), labels);
    int n = ranked.rows();
    if (scorer.decisions().length != n) {
      throw new IllegalArgumentException(
          scorer.name() + ": " + scorer.decisions().length + " decisions for " + n + " rows");
    }
    row = ranked.order;
    label = new boolean[n];
    decision = new boolean[n];
    logLoss = new double[n];
    squaredError = new double[n];
    int[] ends = new int[n];
    int groups = 0;
    double[] p = scorer.probabilities();
    for (int k = 0; k < n; k++) {
      int i = row[k];
      label[k] = labels[i];
      decision[k] = scorer.decisions()[i];
      double likelihood = labels[i] ? p[i] : 1 - p[i];
      logLoss[k] = -Math.log(Math.max(likelihood, Evaluator.LOG_LOSS_EPS));
      double d = p[i] - (labels[i] ? 1.0 : 0.0);
      squaredError[k] = d * d;
      if (k + 1 == n || p[row[k + 1]] != p[i]) {
        ends[groups++] = k + 1;
      }
    }
    groupEnd = Arrays.copyOf(ends, groups);
  }

  /**
   * Prepares {@code scorer} for weighted evaluation against {@code labels}.
   *
   * @throws IllegalArgumentException for empty or mismatched inputs or a probability outside [0, 1]
   */
  public static WeightedMetrics of(Scorer scorer, boolean[] labels) {
    return new WeightedMetrics(scorer, labels);
  }

  /** Rows scored. */
  public int rows() {
    return row.length;
  }

  /** The metrics with every row weighing 1. */
  public Map<IntervalMetric, Double> unweighted() {
    double[] w = new double[rows()];
    Arrays.fill(w, 1.0);
    double[] out = new double[METRICS];
    compute(w, out);
    Map<IntervalMetric, Double> m = new EnumMap<>(IntervalMetric.class);
    for (IntervalMetric metric : IntervalMetric.values()) {
      m.put(metric, out[metric.ordinal()]);
    }
    return m;
  }

  /**
   * Writes every metric, indexed by {@link IntervalMetric#ordinal()}, into {@code out}. A metric
   * undefined under these weights is NaN: ROC-AUC without positive or negative weight, PR-AUC
   * without positive weight, every metric without any weight. F1 is 0 when nothing is flagged and
   * nothing is positive (as {@link ConfusionMatrix#f1()}).
   *
   * @param weights a weight ≥ 0 per row, in the rows' input order
   * @param out at least {@code IntervalMetric.values().length} long
   */
  public void compute(double[] weights, double[] out) {
    if (weights.length != row.length) {
      throw new IllegalArgumentException(weights.length + " weights for " + row.length + " rows");
    }
    compute(weights, row, out);
  }

  /**
   * For each position of the sorted rows, the unit (e.g. the cluster) its row belongs to, so that
   * {@link #compute(double[], int[], double[])} can read a resample's weights per unit directly.
   */
  int[] unitsBySortedPosition(int[] unitOfRow) {
    int[] out = new int[row.length];
    for (int k = 0; k < row.length; k++) {
      out[k] = unitOfRow[row[k]];
    }
    return out;
  }

  /**
   * {@link #compute(double[], double[])} with the weight of sorted position k read as {@code
   * unitWeights[unitAt[k]]}: with units = rows it is the public method; with units = clusters a
   * resample is its draw counts, without expanding them to a weight per row.
   */
  void compute(double[] unitWeights, int[] unitAt, double[] out) {
    double positives = 0; // positive weight so far = weight of positives ranked above the group
    double negatives = 0;
    double concordant = 0; // Σ over positive/negative pairs ranked correctly, ties ½
    double precisionSum = 0; // Σ Δtp · precision, per group
    double flaggedPositive = 0;
    double flaggedNegative = 0;
    double missedPositive = 0;
    double logLossSum = 0;
    double squaredSum = 0;
    int k = 0;
    for (int end : groupEnd) {
      double groupPositives = 0;
      double groupNegatives = 0;
      for (; k < end; k++) {
        double w = unitWeights[unitAt[k]];
        if (label[k]) {
          groupPositives += w;
          if (decision[k]) {
            flaggedPositive += w;
          } else {
            missedPositive += w;
          }
        } else {
          groupNegatives += w;
          if (decision[k]) {
            flaggedNegative += w;
          }
        }
        logLossSum += w * logLoss[k];
        squaredSum += w * squaredError[k];
      }
      concordant += groupNegatives * (positives + 0.5 * groupPositives);
      positives += groupPositives;
      negatives += groupNegatives;
      if (groupPositives > 0) {
        precisionSum += groupPositives * positives / (positives + negatives);
      }
    }
    double total = positives + negatives;
    out[IntervalMetric.ROC_AUC.ordinal()] =
        positives > 0 && negatives > 0 ? concordant / (positives * negatives) : Double.NaN;
    out[IntervalMetric.PR_AUC.ordinal()] = positives > 0 ? precisionSum / positives : Double.NaN;
    double f1Denominator = 2 * flaggedPositive + flaggedNegative + missedPositive;
    out[IntervalMetric.F1.ordinal()] =
        total == 0 ? Double.NaN : f1Denominator == 0 ? 0.0 : 2 * flaggedPositive / f1Denominator;
    out[IntervalMetric.LOG_LOSS.ordinal()] = total > 0 ? logLossSum / total : Double.NaN;
    out[IntervalMetric.BRIER.ordinal()] = total > 0 ? squaredSum / total : Double.NaN;
  }
}
