package io.propensity.engine.features;

/**
 * What a feature extractor reads: the window stats, the decayed counts of the 30-day window, the
 * lifetime totals and the cutoff.
 */
record FeatureContext(
    WindowStats d1,
    WindowStats d7,
    WindowStats d30,
    DecayedCounts decayed,
    LifetimeTotals life,
    long tMs) {

  /** Recency cap: "never" and "90 days or more ago" read the same. */
  static final double RECENCY_CAP_HOURS = 2160.0;

  /** Cap of {@code purchase_overdue_ratio}. */
  static final double OVERDUE_CAP = 10.0;

  double hoursSince(long ms) {
    if (ms == LifetimeTotals.NONE_LAST) {
      return RECENCY_CAP_HOURS;
    }
    return Math.min(RECENCY_CAP_HOURS, (tMs - ms) / (double) WindowStats.HOUR_MS);
  }

  /** The UTC day containing T. */
  long today() {
    return DayHistory.dayOf(tMs);
  }

  /** UTC days with an event among the {@code days} days ending with T's day. */
  int activeDays(int days) {
    return life.activeDays.count(today() - days + 1, today());
  }

  /** UTC days with a purchase among the {@code days} days ending with T's day. */
  int purchaseDays(int days) {
    return life.purchaseDays.count(today() - days + 1, today());
  }

  /** (last purchase day - first purchase day) / (purchase days - 1); 0 below two purchase days. */
  double meanDaysBetweenPurchaseDays() {
    int n = life.purchaseDays.count();
    if (n < 2) {
      return 0.0;
    }
    return (life.purchaseDays.last() - life.purchaseDays.first()) / (double) (n - 1);
  }

  double purchaseOverdueRatio() {
    double mean = meanDaysBetweenPurchaseDays();
    if (mean == 0.0) {
      return 0.0;
    }
    return Math.min(OVERDUE_CAP, (today() - life.purchaseDays.last()) / mean);
  }

  double meanOrderValueLifetime() {
    return life.purchases == 0 ? 0.0 : money(life.monetaryCents) / life.purchases;
  }

  double meanPriceViewed30d() {
    return d30.pricedViews == 0 ? 0.0 : money(d30.pricedViewCents) / d30.pricedViews;
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
