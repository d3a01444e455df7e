package io.propensity.feature.campaign;

import io.propensity.common.stats.StandardNormal;
import java.util.Optional;

/**
 * Confidence intervals and a test for the difference of two conversion rates. Hand-written: the
 * formulas are a dozen lines and no statistics library is on this module's classpath.
 */
public final class UpliftStatistics {
  /** The standard normal quantile for a two-sided 95% interval. */
  public static final double Z95 = 1.959963984540054;

  private UpliftStatistics() {}

  /** A closed interval. */
  public record Interval(double low, double high) {
    /** Whether {@code x} lies inside the interval, bounds included. */
    public boolean contains(double x) {
      return low <= x && x <= high;
    }
  }

  /**
   * Uplift of a targeted group over its control group.
   *
   * @param uplift targeted rate minus control rate
   * @param upliftInterval Newcombe's hybrid score interval for the difference
   * @param relativeLift targeted rate / control rate - 1; empty when the control rate is 0
   * @param relativeLiftInterval Katz log interval for the relative lift; empty when either group
   *     has no converter
   * @param pValue two-sided p-value of the pooled two-proportion z-test (1 when undefined)
   */
  public record Uplift(
      double uplift,
      Interval upliftInterval,
      Optional<Double> relativeLift,
      Optional<Interval> relativeLiftInterval,
      double pValue) {}

  /** Wilson score interval for x successes out of n (n > 0). */
  public static Interval wilson(long x, long n, double z) {
    if (n <= 0 || x < 0 || x > n) {
      throw new IllegalArgumentException("need 0 <= x <= n and n > 0, got x=" + x + " n=" + n);
    }
    double p = (double) x / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * Newcombe's (1998) hybrid score interval, his method 10, for p1 - p2: built from the Wilson
   * intervals of each rate, so it behaves with small counts and rates near 0, where the Wald
   * interval does not.
   */
  public static Interval newcombe(long x1, long n1, long x2, long n2, double z) {
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    Interval w1 = wilson(x1, n1, z);
    Interval w2 = wilson(x2, n2, z);
    double d = p1 - p2;
    double low = d - Math.sqrt(square(p1 - w1.low()) + square(w2.high() - p2));
    double high = d + Math.sqrt(square(w1.high() - p1) + square(p2 - w2.low()));
    return new Interval(low, high);
  }

  /** Two-sided p-value of the pooled two-proportion z-test; 1 when no variance. */
  public static double twoProportionPValue(long x1, long n1, long x2, long n2) {
    double pooled = (double) (x1 + x2) / (n1 + n2);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    if (se == 0) {
      return 1;
    }
    double z = ((double) x1 / n1 - (double) x2 / n2) / se;
    return Math.min(1, StandardNormal.erfc(Math.abs(z) / Math.sqrt(2)));
  }

  /** Uplift of targeted (x1 of n1) over control (x2 of n2) at 95%; both groups non-empty. */
  public static Uplift uplift(long x1, long n1, long x2, long n2) {
    if (n1 <= 0 || n2 <= 0) {
      throw new IllegalArgumentException("both groups need members, got " + n1 + " and " + n2);
    }
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    Optional<Double> relative = p2 > 0 ? Optional.of(p1 / p2 - 1) : Optional.empty();
    Optional<Interval> relativeInterval = Optional.empty();
    if (x1 > 0 && x2 > 0) {
      double logRatio = Math.log(p1 / p2);
      double se = Math.sqrt(1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2);
      relativeInterval =
          Optional.of(
              new Interval(Math.exp(logRatio - Z95 * se) - 1, Math.exp(logRatio + Z95 * se) - 1));
    }
    return new Uplift(
        p1 - p2,
        newcombe(x1, n1, x2, n2, Z95),
        relative,
        relativeInterval,
        twoProportionPValue(x1, n1, x2, n2));
  }

  private static double square(double v) {
    return v * v;
  }
}
