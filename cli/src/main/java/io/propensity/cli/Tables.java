package io.propensity.cli;

/** Small formatting helpers for terminal tables. */
final class Tables {
  private Tables() {}

  /**
   * A number as a person reads it: integers without decimals, others with up to 4 significant
   * places.
   */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format("%,d", (long) v);
    }
    return String.format("%.4g", v);
  }

  /** A CSV cell: quoted (RFC 4180) when it holds a comma, a quote or a line break. */
  static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  /** A bar of {@code width} cells for a fraction in [0, 1]. */
  static String bar(double fraction, int width) {
    int n = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
    return "#".repeat(n) + ".".repeat(width - n);
  }
}
