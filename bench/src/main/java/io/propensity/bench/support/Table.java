package io.propensity.bench.support;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table with a title, aligned columns (numbers right-aligned), printed at once. */
public final class Table {
  private final String title;
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String title, String... header) {
    this.title = title;
    this.header = List.of(header);
  }

  public Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
    }
    List<String> r = new ArrayList<>(cells.length);
    for (Object c : cells) {
      r.add(String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  public void print(PrintStream out) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(System.lineSeparator())
        .append("== ")
        .append(title)
        .append(" ==")
        .append(System.lineSeparator());
    line(sb, header, width, false);
    int total = 0;
    for (int w : width) {
      total += w + 3;
    }
    sb.append("-".repeat(Math.max(0, total - 3))).append(System.lineSeparator());
    for (List<String> r : rows) {
      line(sb, r, width, true);
    }
    out.print(sb);
    out.flush();
  }

  private static void line(
      StringBuilder sb, List<String> cells, int[] width, boolean alignNumbers) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      boolean right = alignNumbers && i > 0 && looksNumeric(c);
      String pad = " ".repeat(width[i] - c.length());
      sb.append(right ? pad + c : c + pad);
      if (i < cells.size() - 1) {
        sb.append(" | ");
      }
    }
    sb.append(System.lineSeparator());
  }

  private static boolean looksNumeric(String s) {
    return !s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-' && s.length() > 1);
  }

  /** A number with thousands separators, e.g. {@code 1,234,567}. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A rate with thousands separators and no decimals, e.g. {@code 48,213}. */
  public static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  /** A ratio with three decimals, e.g. {@code 0.734}. */
  public static String ratio(double r) {
    return String.format(Locale.ROOT, "%.3f", r);
  }

  /** A percentage with one decimal, e.g. {@code 73.4%}. */
  public static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }

  /** Seconds with two decimals, e.g. {@code 4.21 s}. */
  public static String seconds(double s) {
    return String.format(Locale.ROOT, "%.2f s", s);
  }

  /** A latency in nanoseconds shown in microseconds, e.g. {@code 412.3 us}. */
  public static String micros(double nanos) {
    return String.format(Locale.ROOT, "%.1f us", nanos / 1_000);
  }

  /** A byte count in MiB with one decimal. */
  public static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
  }
}
