package io.propensity.engine.features;

/**
 * Exponential decay weights {@code 0.5^(age / halfLife)}, computed as {@code StrictMath.exp(-ln 2 *
 * age / halfLife)}: {@link StrictMath} gives the same bits on every JVM and machine (training and
 * serving may run on different ones), and its {@code exp} costs a tenth of its {@code pow}.
 * Package-private.
 */
final class Decay {

  /** ln 2, the double nearest to it. */
  static final double LN2 = 0.6931471805599453;

  /** Half-life 7 days, for whole days. */
  static final DayTable DAYS_7 = new DayTable(7);

  /** Half-life 30 days, for whole days. */
  static final DayTable DAYS_30 = new DayTable(30);

  private Decay() {}

  /** {@code 0.5^(ageMs / halfLifeMs)}. */
  static double weight(long ageMs, long halfLifeMs) {
    return halfLives(ageMs / (double) halfLifeMs);
  }

  /** {@code 0.5^n}, for {@code n} half-lives. */
  static double halfLives(double n) {
    return StrictMath.exp(-LN2 * n);
  }

  /**
   * {@code 0.5^(k / halfLifeDays)} for a whole number of days {@code k >= 0}; the first 4096 are
   * precomputed with the same expression, so a lookup and a computation give the same bits.
   */
  static final class DayTable {
    private static final int SIZE = 4096;
    private final int halfLifeDays;
    private final double[] weights = new double[SIZE];

    private DayTable(int halfLifeDays) {
      this.halfLifeDays = halfLifeDays;
      for (int k = 0; k < SIZE; k++) {
        weights[k] = compute(k);
      }
    }

    double weight(long k) {
      return k < SIZE ? weights[(int) k] : compute(k);
    }

    private double compute(long k) {
      return halfLives(k / (double) halfLifeDays);
    }
  }
}
