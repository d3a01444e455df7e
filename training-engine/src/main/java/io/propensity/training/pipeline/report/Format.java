package io.propensity.training.pipeline.report;

import java.time.Duration;
import java.util.Locale;

/**
 * How the report writes numbers, times and enum values; the templates reach it as {@code fmt}.
 * Escaping is the templates' own ({@code th:text}), never done here.
 */
final class Format {
  static final Format INSTANCE = new Format();

  private Format() {}

  /** Four decimals, scientific notation for very small or large values, "–" for NaN. */
  public String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "−∞";
    }
    if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /** A share as a percentage with one decimal, "–" for NaN. */
  public String pct(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  /** Seconds with one decimal: "12.3 s". */
  public String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** An enum constant in lower case: TIMED_OUT becomes "timed_out". */
  public String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** An enum constant in lower case words: TIME_BUDGET becomes "time budget". */
  public String words(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** An SVG coordinate: one decimal. */
  static String coordinate(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
