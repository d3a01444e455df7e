package io.propensity.training.pipeline.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small x/y chart rendered as inline SVG: axes with ticks, lines, points, bars and a legend. */
final class Plot {
  static final int LEFT = 56;
  static final int RIGHT = 12;
  static final int TOP = 28;
  static final int BOTTOM = 44;

  private final int width;
  private final int height;
  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final double xmin;
  private final double xmax;
  private final double ymin;
  private final double ymax;
  private final StringBuilder body = new StringBuilder();
  private final List<String[]> legend = new ArrayList<>(); // {color, label, dashed}

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

  Plot line(double[] xs, double[] ys, String color, String label, boolean dashed) {
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < xs.length; i++) {
      if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
        pts.append(f(px(xs[i]))).append(',').append(f(py(ys[i]))).append(' ');
      }
    }
    if (pts.length() > 0) {
      body.append("<polyline fill=\"none\" stroke=\"")
          .append(color)
          .append("\" stroke-width=\"2\"")
          .append(dashed ? " stroke-dasharray=\"5,4\"" : "")
          .append(" points=\"")
          .append(pts.toString().trim())
          .append("\"/>\n");
    }
    if (label != null) {
      legend.add(new String[] {color, label, dashed ? "d" : ""});
    }
    return this;
  }

  Plot points(
      double[] xs, double[] ys, String[] colors, double radius, double opacity, String label) {
    for (int i = 0; i < xs.length; i++) {
      if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
        body.append("<circle cx=\"")
            .append(f(px(xs[i])))
            .append("\" cy=\"")
            .append(f(py(ys[i])))
            .append("\" r=\"")
            .append(f(radius))
            .append("\" fill=\"")
            .append(colors[i])
            .append("\" fill-opacity=\"")
            .append(f(opacity))
            .append("\"/>\n");
      }
    }
    if (label != null) {
      legend.add(new String[] {colors.length > 0 ? colors[0] : "#888", label, ""});
    }
    return this;
  }

  Plot bars(double[] xs, double[] ys, double barWidth, String color, String label) {
    for (int i = 0; i < xs.length; i++) {
      if (!Double.isFinite(ys[i])) {
        continue;
      }
      double x0 = px(xs[i] - barWidth / 2);
      double x1 = px(xs[i] + barWidth / 2);
      double y0 = py(Math.max(ys[i], ymin));
      double base = py(Math.max(0, ymin));
      body.append("<rect x=\"")
          .append(f(x0))
          .append("\" y=\"")
          .append(f(Math.min(y0, base)))
          .append("\" width=\"")
          .append(f(x1 - x0))
          .append("\" height=\"")
          .append(f(Math.abs(base - y0)))
          .append("\" fill=\"")
          .append(color)
          .append("\"><title>")
          .append(Html.escape(label + ": " + Html.num(ys[i])))
          .append("</title></rect>\n");
    }
    legend.add(new String[] {color, label, ""});
    return this;
  }

  Plot text(double x, double y, String s, String color) {
    body.append("<text x=\"")
        .append(f(px(x)))
        .append("\" y=\"")
        .append(f(py(y)))
        .append("\" font-size=\"11\" fill=\"")
        .append(color)
        .append("\">")
        .append(Html.escape(s))
        .append("</text>\n");
    return this;
  }

  String render() {
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(Html.escape(title))
        .append("\">\n");
    s.append("<rect x=\"0\" y=\"0\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" fill=\"#fff\"/>\n");
    s.append("<text x=\"")
        .append(width / 2)
        .append("\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\">")
        .append(Html.escape(title))
        .append("</text>\n");
    // grid and ticks
    for (double t : ticks(xmin, xmax)) {
      double x = px(t);
      s.append("<line x1=\"")
          .append(f(x))
          .append("\" y1=\"")
          .append(TOP)
          .append("\" x2=\"")
          .append(f(x))
          .append("\" y2=\"")
          .append(height - BOTTOM)
          .append("\" stroke=\"#eee\"/>\n");
      s.append("<text x=\"")
          .append(f(x))
          .append("\" y=\"")
          .append(height - BOTTOM + 14)
          .append("\" text-anchor=\"middle\" font-size=\"10\">")
          .append(Html.escape(tick(t)))
          .append("</text>\n");
    }
    for (double t : ticks(ymin, ymax)) {
      double y = py(t);
      s.append("<line x1=\"")
          .append(LEFT)
          .append("\" y1=\"")
          .append(f(y))
          .append("\" x2=\"")
          .append(width - RIGHT)
          .append("\" y2=\"")
          .append(f(y))
          .append("\" stroke=\"#eee\"/>\n");
      s.append("<text x=\"")
          .append(LEFT - 4)
          .append("\" y=\"")
          .append(f(y + 3))
          .append("\" text-anchor=\"end\" font-size=\"10\">")
          .append(Html.escape(tick(t)))
          .append("</text>\n");
    }
    s.append("<rect x=\"")
        .append(LEFT)
        .append("\" y=\"")
        .append(TOP)
        .append("\" width=\"")
        .append(width - LEFT - RIGHT)
        .append("\" height=\"")
        .append(height - TOP - BOTTOM)
        .append("\" fill=\"none\" stroke=\"#999\"/>\n");
    s.append("<text x=\"")
        .append((LEFT + width - RIGHT) / 2)
        .append("\" y=\"")
        .append(height - 8)
        .append("\" text-anchor=\"middle\" font-size=\"11\">")
        .append(Html.escape(xLabel))
        .append("</text>\n");
    s.append("<text x=\"12\" y=\"")
        .append((TOP + height - BOTTOM) / 2)
        .append("\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 12 ")
        .append((TOP + height - BOTTOM) / 2)
        .append(")\">")
        .append(Html.escape(yLabel))
        .append("</text>\n");
    s.append(body);
    int ly = TOP + 14;
    for (String[] l : legend) {
      int lx = LEFT + 8;
      s.append("<line x1=\"")
          .append(lx)
          .append("\" y1=\"")
          .append(ly - 4)
          .append("\" x2=\"")
          .append(lx + 18)
          .append("\" y2=\"")
          .append(ly - 4)
          .append("\" stroke=\"")
          .append(l[0])
          .append("\" stroke-width=\"3\"")
          .append(l[2].isEmpty() ? "" : " stroke-dasharray=\"5,4\"")
          .append("/>\n");
      s.append("<text x=\"")
          .append(lx + 24)
          .append("\" y=\"")
          .append(ly)
          .append("\" font-size=\"11\">")
          .append(Html.escape(l[1]))
          .append("</text>\n");
      ly += 15;
    }
    s.append("</svg>\n");
    return s.toString();
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

  static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
