package io.propensity.training.pipeline.report;

import static io.propensity.training.pipeline.report.Format.coordinate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small x/y chart: axes with round ticks, lines, points, bars and a legend. This class does the
 * geometry (data to pixel coordinates); {@link #chart()} hands it to the {@code charts :: plot}
 * template fragment, which draws it as inline SVG.
 */
final class Plot {
  static final int LEFT = 56;
  static final int RIGHT = 12;
  static final int TOP = 28;
  static final int BOTTOM = 44;
  private static final int LEGEND_X = LEFT + 8;
  private static final String LEGEND_DEFAULT_COLOR = "#888";

  /**
   * What a chart draws inside its axes, in the order added: later marks paint over earlier ones.
   */
  sealed interface Mark permits Line, Dot, Bar {
    /** Which element the template draws: "line", "dot" or "bar". */
    String kind();
  }

  /** A polyline through {@code points} ("x,y x,y …"). */
  record Line(String points, String color, boolean dashed) implements Mark {
    @Override
    public String kind() {
      return "line";
    }
  }

  /** A filled circle. */
  record Dot(String cx, String cy, String r, String fill, String opacity) implements Mark {
    @Override
    public String kind() {
      return "dot";
    }
  }

  /** A bar with a tooltip. */
  record Bar(String x, String y, String width, String height, String fill, String title)
      implements Mark {
    @Override
    public String kind() {
      return "bar";
    }
  }

  /** A grid line across the plot area and its value written beside the axis. */
  record Tick(
      String x1, String y1, String x2, String y2, String textX, String textY, String text) {}

  /** A legend row: a short stroke in the series' style, and its name. */
  record LegendEntry(
      int lineX1,
      int lineX2,
      int lineY,
      int textX,
      int textY,
      String color,
      String label,
      boolean dashed) {}

  /**
   * Everything the template needs, in pixels: the canvas, the plot area ({@code frame*}), the axis
   * labels' positions, the ticks, the marks and the legend.
   */
  record Chart(
      int width,
      int height,
      String title,
      String xLabel,
      String yLabel,
      int frameX,
      int frameY,
      int frameWidth,
      int frameHeight,
      int xLabelX,
      int xLabelY,
      int yLabelY,
      List<Tick> xTicks,
      List<Tick> yTicks,
      List<Mark> marks,
      List<LegendEntry> legend) {
    public String viewBox() {
      return "0 0 " + width + " " + height;
    }

    public int titleX() {
      return width / 2;
    }

    public String yLabelTransform() {
      return "rotate(-90 12 " + yLabelY + ")";
    }
  }

  private final int width;
  private final int height;
  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final double xmin;
  private final double xmax;
  private final double ymin;
  private final double ymax;
  private final List<Mark> marks = new ArrayList<>();
  private final List<LegendEntry> legend = new ArrayList<>();

  Plot(
      int width,
      int height,
      String title,
      String xLabel,
      String yLabel,
      double xmin,
      double xmax,
      double ymin,
      double ymax) {
    this.width = width;
    this.height = height;
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    double[] xr = widen(xmin, xmax);
    double[] yr = widen(ymin, ymax);
    this.xmin = xr[0];
    this.xmax = xr[1];
    this.ymin = yr[0];
    this.ymax = yr[1];
  }

  private static double[] widen(double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      return new double[] {0, 1};
    }
    if (hi - lo < 1e-12) {
      double pad = Math.max(Math.abs(lo) * 0.1, 0.5);
      return new double[] {lo - pad, hi + pad};
    }
    return new double[] {lo, hi};
  }

  double px(double x) {
    return LEFT + (x - xmin) / (xmax - xmin) * (width - LEFT - RIGHT);
  }

  double py(double y) {
    return height - BOTTOM - (y - ymin) / (ymax - ymin) * (height - TOP - BOTTOM);
  }

  /** A line through the finite points; {@code label} null leaves it out of the legend. */
  Plot line(double[] xs, double[] ys, String color, String label, boolean dashed) {
    List<String> pts = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
        pts.add(coordinate(px(xs[i])) + ',' + coordinate(py(ys[i])));
      }
    }
    if (!pts.isEmpty()) {
      marks.add(new Line(String.join(" ", pts), color, dashed));
    }
    if (label != null) {
      addLegend(color, label, dashed);
    }
    return this;
  }

  /** A dot per finite point, each in its own colour. */
  Plot points(
      double[] xs, double[] ys, String[] colors, double radius, double opacity, String label) {
    for (int i = 0; i < xs.length; i++) {
      if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
        marks.add(
            new Dot(
                coordinate(px(xs[i])),
                coordinate(py(ys[i])),
                coordinate(radius),
                colors[i],
                coordinate(opacity)));
      }
    }
    if (label != null) {
      addLegend(colors.length > 0 ? colors[0] : LEGEND_DEFAULT_COLOR, label, false);
    }
    return this;
  }

  /** A bar per finite value, centred on its x, rising from zero (or the bottom of the axis). */
  Plot bars(double[] xs, double[] ys, double barWidth, String color, String label) {
    for (int i = 0; i < xs.length; i++) {
      if (!Double.isFinite(ys[i])) {
        continue;
      }
      double x0 = px(xs[i] - barWidth / 2);
      double x1 = px(xs[i] + barWidth / 2);
      double y0 = py(Math.max(ys[i], ymin));
      double base = py(Math.max(0, ymin));
      marks.add(
          new Bar(
              coordinate(x0),
              coordinate(Math.min(y0, base)),
              coordinate(x1 - x0),
              coordinate(Math.abs(base - y0)),
              color,
              label + ": " + Format.INSTANCE.num(ys[i])));
    }
    addLegend(color, label, false);
    return this;
  }

  private void addLegend(String color, String label, boolean dashed) {
    int y = TOP + 14 + 15 * legend.size();
    legend.add(
        new LegendEntry(LEGEND_X, LEGEND_X + 18, y - 4, LEGEND_X + 24, y, color, label, dashed));
  }

  /** The chart as drawn so far. */
  Chart chart() {
    List<Tick> xTicks = new ArrayList<>();
    for (double t : ticks(xmin, xmax)) {
      String x = coordinate(px(t));
      xTicks.add(
          new Tick(
              x,
              Integer.toString(TOP),
              x,
              Integer.toString(height - BOTTOM),
              x,
              Integer.toString(height - BOTTOM + 14),
              tick(t)));
    }
    List<Tick> yTicks = new ArrayList<>();
    for (double t : ticks(ymin, ymax)) {
      double y = py(t);
      yTicks.add(
          new Tick(
              Integer.toString(LEFT),
              coordinate(y),
              Integer.toString(width - RIGHT),
              coordinate(y),
              Integer.toString(LEFT - 4),
              coordinate(y + 3),
              tick(t)));
    }
    return new Chart(
        width,
        height,
        title,
        xLabel,
        yLabel,
        LEFT,
        TOP,
        width - LEFT - RIGHT,
        height - TOP - BOTTOM,
        (LEFT + width - RIGHT) / 2,
        height - 8,
        (TOP + height - BOTTOM) / 2,
        List.copyOf(xTicks),
        List.copyOf(yTicks),
        List.copyOf(marks),
        List.copyOf(legend));
  }

  /** About five round tick values covering [lo, hi]. */
  static List<Double> ticks(double lo, double hi) {
    double span = hi - lo;
    double raw = span / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double norm = raw / mag;
    double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
    List<Double> out = new ArrayList<>();
    for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
    }
    return out;
  }

  private static String tick(double t) {
    if (Math.abs(t) >= 1e4 || (Math.abs(t) < 1e-3 && t != 0)) {
      return String.format(Locale.ROOT, "%.1e", t);
    }
    String s = String.format(Locale.ROOT, "%.3f", t);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
