package io.propensity.runtime.metrics;

/**
 * Validated scores and labels with the row order by decreasing score (ties by row index), shared by
 * the evaluator and the threshold selector.
 */
final class RankedScores {

  final double[] scores;
  final boolean[] labels;

  /** Row indices by decreasing score; equal scores keep their input order. */
  final int[] order;

  final long positives;

  private RankedScores(double[] scores, boolean[] labels) {
    this.scores = scores;
    this.labels = labels;
    this.order = orderByDecreasingScore(scores);
    long p = 0;
    for (boolean label : labels) {
      if (label) {
        p++;
      }
    }
    this.positives = p;
  }

  static RankedScores of(double[] probabilities, boolean[] labels) {
    if (probabilities == null || labels == null) {
      throw new IllegalArgumentException("probabilities and labels must not be null");
    }
    if (probabilities.length != labels.length) {
      throw new IllegalArgumentException(
          probabilities.length + " probabilities but " + labels.length + " labels");
    }
    if (probabilities.length == 0) {
      throw new IllegalArgumentException("nothing to evaluate: no rows");
    }
    for (int i = 0; i < probabilities.length; i++) {
      double p = probabilities[i];
      if (!(p >= 0.0 && p <= 1.0)) {
        throw new IllegalArgumentException(
            "probabilities[" + i + "] is " + p + "; expected a value in [0, 1]");
      }
    }
    return new RankedScores(probabilities, labels);
  }

  int rows() {
    return scores.length;
  }

  long negatives() {
    return rows() - positives;
  }

  /** Receives the cumulative counts after each group of equal scores, highest score first. */
  interface GroupVisitor {
    void group(double score, long truePositives, long falsePositives);
  }

  void forEachScoreGroup(GroupVisitor visitor) {
    long tp = 0;
    long fp = 0;
    int i = 0;
    while (i < order.length) {
      double score = scores[order[i]];
      while (i < order.length && scores[order[i]] == score) {
        if (labels[order[i]]) {
          tp++;
        } else {
          fp++;
        }
        i++;
      }
      visitor.group(score, tp, fp);
    }
  }

  // A stable merge sort on indices: Arrays.sort has no primitive comparator, and boxing every
  // index costs more than this for evaluation sets of millions of rows.
  private static int[] orderByDecreasingScore(double[] scores) {
    int n = scores.length;
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    int[] b = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          b[k++] = scores[a[j]] > scores[a[i]] ? a[j++] : a[i++];
        }
        while (i < mid) {
          b[k++] = a[i++];
        }
        while (j < hi) {
          b[k++] = a[j++];
        }
      }
      int[] t = a;
      a = b;
      b = t;
    }
    return a;
  }
}
