package io.propensity.runtime.metrics;

import java.util.Locale;

/**
 * How intervals read in verdicts and reports: {@code 0.812 [0.791, 0.830]}, {@code +0.004 [−0.006,
 * +0.013]}.
 */
public final class IntervalFormat {
  private IntervalFormat() {}

  /** A metric with its interval, three decimals: {@code 0.812 [0.791, 0.830]}; "–" when unknown. */
  public static String value(ConfidenceInterval ci) {
    if (Double.isNaN(ci.estimate())) {
      return "–";
    }
    String v = number(ci.estimate(), false);
    return ci.isDefined()
        ? v + " [" + number(ci.lower(), false) + ", " + number(ci.upper(), false) + "]"
        : v;
  }

  /** A difference with its interval, signed: {@code +0.004 [−0.006, +0.013]}; "–" when unknown. */
  public static String difference(ConfidenceInterval ci) {
    if (Double.isNaN(ci.estimate())) {
      return "–";
    }
    String v = number(ci.estimate(), true);
    return ci.isDefined()
        ? v + " [" + number(ci.lower(), true) + ", " + number(ci.upper(), true) + "]"
        : v;
  }

  private static String number(double v, boolean signed) {
    // a true minus sign, as in print; -0.000 reads as 0
    String s = String.format(Locale.ROOT, signed ? "%+.3f" : "%.3f", v);
    if (s.equals("-0.000")) {
      s = signed ? "+0.000" : "0.000";
    }
    return s.replace('-', '−');
  }
}
