package io.propensity.runtime.metrics;

import java.util.ArrayList;
import java.util.List;

/** Computes a {@link BinaryEvaluation} from predicted probabilities and true labels. */
public final class Evaluator {

  /** Log loss floors each row's likelihood at EPS, so a certain mistake costs ~34.5, not ∞. */
  public static final double LOG_LOSS_EPS = 1e-15;

  /** Curves are thinned to at most this many points (first and last always kept). */
  public static final int MAX_CURVE_POINTS = 200;

  private static final int DECILES = 10;
  private static final int CALIBRATION_BINS = 10;

  private Evaluator() {}

  /**
   * Evaluates probabilities against labels.
   *
   * @param probabilities predicted probability of the positive class per row, each in [0, 1]
   * @param labels true label per row ({@code true} = positive), same length
   * @param threshold a row is predicted positive when its probability ≥ threshold, in [0, 1]
   * @throws IllegalArgumentException for empty or mismatched inputs, a probability outside [0, 1]
   *     or NaN, or a threshold outside [0, 1]; a set with only one class is evaluated (see {@link
   *     BinaryEvaluation} for which metrics are then NaN)
   */
  public static BinaryEvaluation evaluate(
      double[] probabilities, boolean[] labels, double threshold) {
    if (!(threshold >= 0.0 && threshold <= 1.0)) {
      throw new IllegalArgumentException(
          "threshold is " + threshold + "; expected a value in [0, 1]");
    }
    RankedScores ranked = RankedScores.of(probabilities, labels);
    ConfusionMatrix confusion = confusion(ranked, threshold);
    return new BinaryEvaluation(
        ranked.rows(),
        ranked.positives,
        threshold,
        confusion,
        confusion.precision(),
        confusion.recall(),
        confusion.f1(),
        rocAuc(ranked),
        averagePrecision(ranked),
        logLoss(ranked),
        brierScore(ranked),
        deciles(ranked),
        calibration(ranked),
        rocCurve(ranked),
        prCurve(ranked));
  }

  private static ConfusionMatrix confusion(RankedScores r, double threshold) {
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (int i = 0; i < r.rows(); i++) {
      boolean predicted = r.scores[i] >= threshold;
      if (predicted && r.labels[i]) {
        tp++;
      } else if (predicted) {
        fp++;
      } else if (r.labels[i]) {
        fn++;
      } else {
        tn++;
      }
    }
    return new ConfusionMatrix(tp, fp, tn, fn);
  }

  /** Rank-sum (Mann–Whitney U) AUC; tied rows share their average rank. */
  private static double rocAuc(RankedScores r) {
    long pos = r.positives;
    long neg = r.negatives();
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    // Ranks are ascending (lowest score = rank 1); `order` is descending, so walk it backwards.
    double positiveRankSum = 0;
    int i = r.rows() - 1;
    long rankBefore = 0;
    while (i >= 0) {
      double score = r.scores[r.order[i]];
      int groupSize = 0;
      int groupPositives = 0;
      while (i >= 0 && r.scores[r.order[i]] == score) {
        if (r.labels[r.order[i]]) {
          groupPositives++;
        }
        groupSize++;
        i--;
      }
      double averageRank = rankBefore + (groupSize + 1) / 2.0;
      positiveRankSum += groupPositives * averageRank;
      rankBefore += groupSize;
    }
    double u = positiveRankSum - pos * (pos + 1) / 2.0;
    return u / ((double) pos * neg);
  }

  private static double averagePrecision(RankedScores r) {
    if (r.positives == 0) {
      return Double.NaN;
    }
    double[] ap = {0.0, 0.0}; // {sum, previous recall}
    long positives = r.positives;
    r.forEachScoreGroup(
        (score, tp, fp) -> {
          double recall = (double) tp / positives;
          double precision = (double) tp / (tp + fp);
          ap[0] += (recall - ap[1]) * precision;
          ap[1] = recall;
        });
    return ap[0];
  }

  private static double logLoss(RankedScores r) {
    double sum = 0;
    for (int i = 0; i < r.rows(); i++) {
      // Floor the likelihood of the true label rather than clip p to [eps, 1 - eps]: same intent,
      // but exact on both sides (1 - 1e-15 is not representable near 1).
      double likelihood = r.labels[i] ? r.scores[i] : 1 - r.scores[i];
      sum -= Math.log(Math.max(likelihood, LOG_LOSS_EPS));
    }
    return sum / r.rows();
  }

  private static double brierScore(RankedScores r) {
    double sum = 0;
    for (int i = 0; i < r.rows(); i++) {
      double d = r.scores[i] - (r.labels[i] ? 1.0 : 0.0);
      sum += d * d;
    }
    return sum / r.rows();
  }

  /** Decile d holds ranked positions [⌊(d−1)·n/10⌋, ⌊d·n/10⌋); ties split by input order. */
  private static List<LiftDecile> deciles(RankedScores r) {
    int n = r.rows();
    double baseRate = (double) r.positives / n;
    List<LiftDecile> out = new ArrayList<>(DECILES);
    long cumulativeRows = 0;
    long cumulativePositives = 0;
    for (int d = 1; d <= DECILES; d++) {
      int from = (int) ((long) (d - 1) * n / DECILES);
      int to = (int) ((long) d * n / DECILES);
      long positives = 0;
      double min = Double.NaN;
      double max = Double.NaN;
      for (int k = from; k < to; k++) {
        int row = r.order[k];
        if (r.labels[row]) {
          positives++;
        }
        if (k == from) {
          max = r.scores[row];
        }
        min = r.scores[row];
      }
      long rows = to - from;
      cumulativeRows += rows;
      cumulativePositives += positives;
      double positiveRate = rows == 0 ? Double.NaN : (double) positives / rows;
      boolean anyPositive = r.positives > 0;
      double lift = anyPositive ? positiveRate / baseRate : Double.NaN;
      double gain = anyPositive ? (double) cumulativePositives / r.positives : Double.NaN;
      double cumulativeLift =
          anyPositive && cumulativeRows > 0
              ? ((double) cumulativePositives / cumulativeRows) / baseRate
              : Double.NaN;
      out.add(
          new LiftDecile(d, rows, positives, min, max, positiveRate, lift, gain, cumulativeLift));
    }
    return out;
  }

  private static List<CalibrationBin> calibration(RankedScores r) {
    long[] rows = new long[CALIBRATION_BINS];
    long[] positives = new long[CALIBRATION_BINS];
    double[] sums = new double[CALIBRATION_BINS];
    for (int i = 0; i < r.rows(); i++) {
      int bin = calibrationBin(r.scores[i]);
      rows[bin]++;
      sums[bin] += r.scores[i];
      if (r.labels[i]) {
        positives[bin]++;
      }
    }
    List<CalibrationBin> out = new ArrayList<>(CALIBRATION_BINS);
    for (int b = 0; b < CALIBRATION_BINS; b++) {
      boolean empty = rows[b] == 0;
      out.add(
          new CalibrationBin(
              lowerBound(b),
              lowerBound(b + 1),
              rows[b],
              empty ? Double.NaN : sums[b] / rows[b],
              empty ? Double.NaN : (double) positives[b] / rows[b]));
    }
    return out;
  }

  private static double lowerBound(int bin) {
    return (double) bin / CALIBRATION_BINS;
  }

  /** The bin whose reported bounds contain p, robust to p·10 rounding across a bound. */
  static int calibrationBin(double p) {
    int bin = Math.min((int) (p * CALIBRATION_BINS), CALIBRATION_BINS - 1);
    while (bin < CALIBRATION_BINS - 1 && p >= lowerBound(bin + 1)) {
      bin++;
    }
    while (bin > 0 && p < lowerBound(bin)) {
      bin--;
    }
    return bin;
  }

  private static List<RocPoint> rocCurve(RankedScores r) {
    if (r.positives == 0 || r.negatives() == 0) {
      return List.of();
    }
    List<RocPoint> points = new ArrayList<>();
    points.add(new RocPoint(Double.POSITIVE_INFINITY, 0.0, 0.0));
    double positives = r.positives;
    double negatives = r.negatives();
    r.forEachScoreGroup(
        (score, tp, fp) -> points.add(new RocPoint(score, fp / negatives, tp / positives)));
    return thin(points);
  }

  private static List<PrPoint> prCurve(RankedScores r) {
    if (r.positives == 0) {
      return List.of();
    }
    List<PrPoint> points = new ArrayList<>();
    double positives = r.positives;
    r.forEachScoreGroup(
        (score, tp, fp) -> points.add(new PrPoint(score, tp / positives, (double) tp / (tp + fp))));
    return thin(points);
  }

  /** Evenly spaced subset of at most {@link #MAX_CURVE_POINTS}, keeping both ends. */
  static <T> List<T> thin(List<T> points) {
    int n = points.size();
    if (n <= MAX_CURVE_POINTS) {
      return points;
    }
    List<T> out = new ArrayList<>(MAX_CURVE_POINTS);
    for (int i = 0; i < MAX_CURVE_POINTS; i++) {
      out.add(points.get((int) Math.round((double) i * (n - 1) / (MAX_CURVE_POINTS - 1))));
    }
    return out;
  }
}
