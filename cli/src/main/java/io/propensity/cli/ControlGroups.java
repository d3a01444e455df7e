package io.propensity.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Holds out a random control group from a ranked list, stratified by rank: the list is cut into
 * consecutive blocks of ranks and each block gives the same share of its users to control, drawn at
 * random with a seed. Targeted and control users then have the same score distribution, so the
 * difference in their conversion is the campaign's effect, not the model's ranking.
 */
final class ControlGroups {
  private ControlGroups() {}

  /** Positions (0-based, ascending) of the targeted and control users of a ranked list. */
  record Split(List<Integer> targeted, List<Integer> control) {}

  /** The smallest block (2 to 100 ranks) holding a whole number of control users at fraction f. */
  static int blockSize(double fraction) {
    for (int b = 2; b <= 100; b++) {
      double c = fraction * b;
      if (Math.abs(c - Math.rint(c)) < 1e-9) {
        return b;
      }
    }
    return 100;
  }

  /**
   * Splits {@code size} ranked positions: in each block of {@link #blockSize} ranks, {@code
   * round(fraction × block)} drawn at random go to control; in a last, shorter block the expected
   * share, rounded at random.
   */
  static Split split(int size, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("fraction " + fraction + " is not between 0 and 1");
    }
    SplittableRandom random = new SplittableRandom(seed);
    int block = blockSize(fraction);
    boolean[] control = new boolean[size];
    for (int from = 0; from < size; from += block) {
      int n = Math.min(block, size - from);
      double expected = fraction * n;
      int k = (int) Math.floor(expected + 1e-9);
      if (random.nextDouble() < expected - k - 1e-9) {
        k++;
      }
      // partial Fisher-Yates: the first k of a shuffled block go to control
      int[] idx = new int[n];
      for (int i = 0; i < n; i++) {
        idx[i] = from + i;
      }
      for (int i = 0; i < k; i++) {
        int j = i + random.nextInt(n - i);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        control[idx[i]] = true;
      }
    }
    List<Integer> t = new ArrayList<>();
    List<Integer> c = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      (control[i] ? c : t).add(i);
    }
    return new Split(t, c);
  }
}
