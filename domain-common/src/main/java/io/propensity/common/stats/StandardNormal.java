package io.propensity.common.stats;

/**
 * The standard normal distribution for the services' tests and intervals (campaign uplift, DeLong's
 * test of ROC-AUCs): no statistics library is a dependency of the services.
 */
public final class StandardNormal {
  private StandardNormal() {}

  /**
   * Complementary error function, fractional error below 1.2e-7 everywhere (a Chebyshev fit of
   * erfc, as in Numerical Recipes' erfcc): ample for p-values and interval widths.
   */
  public static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double poly =
        -z * z
            - 1.26551223
            + t
                * (1.00002368
                    + t
                        * (0.37409196
                            + t
                                * (0.09678418
                                    + t
                                        * (-0.18628806
                                            + t
                                                * (0.27886807
                                                    + t
                                                        * (-1.13520398
                                                            + t
                                                                * (1.48851587
                                                                    + t
                                                                        * (-0.82215223
                                                                            + t
                                                                                * 0.17087277))))))));
    double r = t * Math.exp(poly);
    return x >= 0 ? r : 2 - r;
  }

  /** Φ(z), the probability that a standard normal variable is at most z. */
  public static double cdf(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /**
   * Φ⁻¹(p) for p in (0, 1), by bisection on {@link #cdf} to 1e-12 (called once per interval, not
   * per row).
   *
   * @throws IllegalArgumentException for p outside (0, 1)
   */
  public static double quantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p is " + p + "; expected a value in (0, 1)");
    }
    double lo = -40;
    double hi = 40;
    for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
      double mid = (lo + hi) / 2;
      if (cdf(mid) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }
}
