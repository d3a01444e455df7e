package io.propensity.training.pipeline.split;

import io.propensity.training.pipeline.data.Dataset;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Rows and positive rows per distinct cutoff, ascending, with prefix sums: answers "do the cutoffs
 * [from, to) hold both classes?" in constant time, so a time split can look for boundaries that
 * leave every part with positives and negatives.
 */
final class CutoffTable {
  private final long[] cutoff;
  private final int[] rowsBefore; // rows of cutoffs [0, i)
  private final int[] positivesBefore;
  private final int[] lastPositiveUpTo; // greatest j <= i whose cutoff has a positive row, or -1
  private final int[] lastNegativeUpTo;
  private final int firstPositive;
  private final int firstNegative;

  private CutoffTable(TreeMap<Long, int[]> byCutoff) {
    int m = byCutoff.size();
    cutoff = new long[m];
    rowsBefore = new int[m + 1];
    positivesBefore = new int[m + 1];
    lastPositiveUpTo = new int[m];
    lastNegativeUpTo = new int[m];
    int i = 0;
    int fp = -1;
    int fn = -1;
    for (var e : byCutoff.entrySet()) {
      int rows = e.getValue()[0];
      int positives = e.getValue()[1];
      cutoff[i] = e.getKey();
      rowsBefore[i + 1] = rowsBefore[i] + rows;
      positivesBefore[i + 1] = positivesBefore[i] + positives;
      lastPositiveUpTo[i] = positives > 0 ? i : (i == 0 ? -1 : lastPositiveUpTo[i - 1]);
      lastNegativeUpTo[i] = rows > positives ? i : (i == 0 ? -1 : lastNegativeUpTo[i - 1]);
      if (fp < 0 && positives > 0) {
        fp = i;
      }
      if (fn < 0 && rows > positives) {
        fn = i;
      }
      i++;
    }
    firstPositive = fp;
    firstNegative = fn;
  }

  /** The table of {@code rows} of {@code data} (which has cutoffs). */
  static CutoffTable of(Dataset data, int[] rows) {
    TreeMap<Long, int[]> byCutoff = new TreeMap<>();
    for (int r : rows) {
      int[] c = byCutoff.computeIfAbsent(data.cutoffMillis(r), k -> new int[2]);
      c[0]++;
      if (data.label(r)) {
        c[1]++;
      }
    }
    return new CutoffTable(byCutoff);
  }

  /** Distinct cutoffs. */
  int size() {
    return cutoff.length;
  }

  long cutoff(int i) {
    return cutoff[i];
  }

  /** Rows of the cutoffs [from, to). */
  int rows(int from, int to) {
    return rowsBefore[to] - rowsBefore[from];
  }

  /** Positive rows of the cutoffs [from, to). */
  int positives(int from, int to) {
    return positivesBefore[to] - positivesBefore[from];
  }

  /**
   * The earliest cutoff index (at least 1: the earliest cutoff stays on the earlier side) from
   * which the cutoffs up to {@code to} hold at least {@code target} rows, counted from the end.
   */
  int coveringFromEnd(int to, double target) {
    int from = to - 1;
    int covered = 0;
    for (int i = to - 1; i >= 1; i--) {
      from = i;
      covered += rows(i, i + 1);
      if (covered >= target) {
        break;
      }
    }
    return Math.max(1, from);
  }

  /**
   * The latest boundary {@code t} for which the cutoffs [t, size) still hold both classes, or -1
   * when even [0, size) does not.
   */
  int latestStartWithBothClasses() {
    int m = cutoff.length;
    return m == 0 ? -1 : Math.min(lastPositiveUpTo[m - 1], lastNegativeUpTo[m - 1]);
  }

  /** The number of cutoffs at or before {@code millis}. */
  int countAtOrBefore(long millis) {
    int i = Arrays.binarySearch(cutoff, millis);
    return i >= 0 ? i + 1 : -i - 1;
  }

  /**
   * The range of boundaries {@code v} that split the cutoffs [0, to) into [0, v) and [v, to) with
   * both classes on each side, as {lowest, highest}; lowest > highest when there is none.
   */
  int[] boundariesWithBothClasses(int to) {
    int lowest = Math.max(firstPositive, firstNegative) + 1;
    if (firstPositive < 0 || firstNegative < 0 || to == 0) {
      return new int[] {1, 0};
    }
    int highest = Math.min(lastPositiveUpTo[to - 1], lastNegativeUpTo[to - 1]);
    return new int[] {Math.max(1, lowest), highest};
  }
}
