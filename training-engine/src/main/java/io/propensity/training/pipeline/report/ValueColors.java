package io.propensity.training.pipeline.report;

import java.util.Arrays;
import java.util.Locale;

/**
 * The colour of a feature value in the SHAP charts: blue (low) → purple → red (high), grey if
 * missing.
 */
final class ValueColors {
  private static final String MISSING = "#9e9e9e";

  private ValueColors() {}

  /** 5th–95th percentile of the finite values, so outliers do not wash out the colours. */
  static double[] robustRange(double[] v) {
    double[] f = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
    if (f.length == 0) {
      return new double[] {0, 1};
    }
    return new double[] {
      f[(int) (0.05 * (f.length - 1))], f[(int) Math.ceil(0.95 * (f.length - 1))]
    };
  }

  /** The colour of {@code v} within {@code range} (from {@link #robustRange}). */
  static String of(double v, double[] range) {
    if (!Double.isFinite(v)) {
      return MISSING;
    }
    double t = range[1] > range[0] ? (v - range[0]) / (range[1] - range[0]) : 0.5;
    t = Math.min(1, Math.max(0, t));
    int r = (int) Math.round(30 + t * (229 - 30));
    int g = (int) Math.round(136 + t * (57 - 136));
    int b = (int) Math.round(229 + t * (53 - 229));
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }
}
