package io.propensity.training.pipeline.report;

import static io.propensity.training.pipeline.report.Format.coordinate;

import io.propensity.training.pipeline.ShapSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SHAP summary chart: one row per feature with a dot per explained row at its SHAP value
 * (coloured by the feature's value, stacked where dots would overlap) and a bar of the mean |SHAP|.
 * This class does the layout; the {@code charts :: beeswarm} template fragment draws it as SVG.
 */
final class ShapBeeswarm {
  private static final int ROW_HEIGHT = 26;
  private static final int LABEL_WIDTH = 190;
  private static final int PLOT_WIDTH = 520;
  private static final int BAR_WIDTH = 140;
  private static final int TOP = 24;

  /** One explained row of one feature. */
  record Dot(String cx, String cy, String fill) {}

  /** One feature: its name, its dots, its mean |SHAP| bar and the bar's value. */
  record Row(
      String labelY,
      String feature,
      List<Dot> dots,
      String barY,
      String barWidth,
      String valueX,
      String valueY,
      String value) {}

  /** A SHAP value written under the plot area. */
  record AxisTick(String x, String text) {}

  /** Everything the template needs, in pixels. */
  record Chart(
      int width,
      int height,
      String barColor,
      String zeroX,
      int zeroTop,
      int zeroBottom,
      int labelX,
      int barX,
      List<Row> rows,
      int tickY,
      List<AxisTick> ticks,
      int axisLabelX,
      int axisLabelY) {
    public String viewBox() {
      return "0 0 " + width + " " + height;
    }
  }

  private ShapBeeswarm() {}

  /** The chart of {@code features}, in the order given (most important first). */
  static Chart of(List<ShapSummary.FeatureShap> features) {
    double lo = 0;
    double hi = 0;
    for (ShapSummary.FeatureShap f : features) {
      for (double v : f.shap()) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    double pad = Math.max((hi - lo) * 0.05, 1e-6);
    lo -= pad;
    hi += pad;
    int n = features.size();
    double maxImp =
        features.stream().mapToDouble(ShapSummary.FeatureShap::meanAbsShap).max().orElse(1);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      ShapSummary.FeatureShap f = features.get(k);
      double cy = TOP + ROW_HEIGHT * k + ROW_HEIGHT / 2.0;
      double[] vals = f.values().stream().mapToDouble(Double::doubleValue).toArray();
      double[] range = ValueColors.robustRange(vals);
      Map<Integer, Integer> stack = new HashMap<>();
      List<Dot> dots = new ArrayList<>();
      for (int i = 0; i < f.shap().size(); i++) {
        double x = LABEL_WIDTH + (f.shap().get(i) - lo) / (hi - lo) * PLOT_WIDTH;
        int bin = (int) Math.round(x / 3);
        // the n-th dot on the same spot goes alternately above and below the row's centre line,
        // one step further out every second dot, never past the row
        int onBin = stack.merge(bin, 1, Integer::sum) - 1;
        int step = (onBin + 1) / 2;
        double off = ((onBin % 2 == 0) ? 1 : -1) * Math.min(step * 2.2, ROW_HEIGHT / 2.0 - 2);
        dots.add(new Dot(coordinate(x), coordinate(cy + off), ValueColors.of(vals[i], range)));
      }
      double bw = maxImp > 0 ? f.meanAbsShap() / maxImp * BAR_WIDTH : 0;
      rows.add(
          new Row(
              coordinate(cy + 4),
              f.feature(),
              List.copyOf(dots),
              coordinate(cy - 6),
              coordinate(bw),
              coordinate(LABEL_WIDTH + PLOT_WIDTH + 14 + bw),
              coordinate(cy + 4),
              Format.INSTANCE.num(f.meanAbsShap())));
    }
    int axisY = TOP + ROW_HEIGHT * n + 4;
    List<AxisTick> ticks = new ArrayList<>();
    for (double t : Plot.ticks(lo, hi)) {
      double x = LABEL_WIDTH + (t - lo) / (hi - lo) * PLOT_WIDTH;
      ticks.add(new AxisTick(coordinate(x), String.format(Locale.ROOT, "%.2f", t)));
    }
    return new Chart(
        LABEL_WIDTH + PLOT_WIDTH + BAR_WIDTH + 30,
        TOP + ROW_HEIGHT * n + 40,
        Charts.MODEL_COLOR,
        coordinate(LABEL_WIDTH + (0 - lo) / (hi - lo) * PLOT_WIDTH),
        TOP - 6,
        TOP + ROW_HEIGHT * n,
        LABEL_WIDTH - 8,
        LABEL_WIDTH + PLOT_WIDTH + 10,
        List.copyOf(rows),
        axisY + 12,
        List.copyOf(ticks),
        LABEL_WIDTH + PLOT_WIDTH / 2,
        axisY + 30);
  }
}
