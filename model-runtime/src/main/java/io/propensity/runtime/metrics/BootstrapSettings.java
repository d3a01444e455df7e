package io.propensity.runtime.metrics;

/**
 * How a bootstrap resamples.
 *
 * @param resamples resamples drawn, 1 to {@value #MAX_RESAMPLES}
 * @param level the confidence level of the percentile intervals, in (0, 1); 0.95 leaves 2.5% of the
 *     resampled values below the interval and 2.5% above
 * @param seed the seed of the draws: equal settings on equal rows give equal intervals
 */
public record BootstrapSettings(int resamples, double level, long seed) {

  /** Resamples of the default settings. */
  public static final int DEFAULT_RESAMPLES = 1000;

  /** Confidence level of the default settings. */
  public static final double DEFAULT_LEVEL = 0.95;

  /** Most resamples accepted. */
  public static final int MAX_RESAMPLES = 100_000;

  public BootstrapSettings {
    if (resamples < 1 || resamples > MAX_RESAMPLES) {
      throw new IllegalArgumentException(
          "resamples is " + resamples + "; expected 1 to " + MAX_RESAMPLES);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level is " + level + "; expected a value in (0, 1)");
    }
  }

  /** 1000 resamples, 95% intervals, this seed. */
  public static BootstrapSettings defaults(long seed) {
    return new BootstrapSettings(DEFAULT_RESAMPLES, DEFAULT_LEVEL, seed);
  }

  /** These settings with another number of resamples. */
  public BootstrapSettings withResamples(int n) {
    return new BootstrapSettings(n, level, seed);
  }

  /** The level as a whole percentage, e.g. {@code 95%}. */
  public String levelPercent() {
    double pct = 100 * level;
    return (pct == Math.rint(pct) ? Long.toString(Math.round(pct)) : Double.toString(pct)) + "%";
  }
}
