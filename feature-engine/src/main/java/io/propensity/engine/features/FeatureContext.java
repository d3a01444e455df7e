package io.propensity.engine.features;

/** What a feature extractor reads: the window stats, the lifetime totals and the cutoff. */
record FeatureContext(
    WindowStats d1, WindowStats d7, WindowStats d30, LifetimeTotals life, long tMs) {

  /** Recency cap: "never" and "90 days or more ago" read the same. */
  static final double RECENCY_CAP_HOURS = 2160.0;

  double hoursSince(long ms) {
    if (ms == LifetimeTotals.NONE_LAST) {
      return RECENCY_CAP_HOURS;
    }
    return Math.min(RECENCY_CAP_HOURS, (tMs - ms) / (double) WindowStats.HOUR_MS);
  }

  static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0.0 : numerator / (double) denominator;
  }

  static double money(long cents) {
    return cents / 100.0;
  }

  static double bool(boolean b) {
    return b ? 1.0 : 0.0;
  }

  /** Index of the largest count among indices 1..; ties go to the lower index; 0 when all are 0. */
  static double dominant(int[] counts) {
    int best = 0;
    for (int i = 1; i < counts.length; i++) {
      if (counts[i] > 0 && (best == 0 || counts[i] > counts[best])) {
        best = i;
      }
    }
    return best;
  }
}
