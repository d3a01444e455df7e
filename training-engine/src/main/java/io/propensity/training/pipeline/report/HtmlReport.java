package io.propensity.training.pipeline.report;

import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.CalibrationBin;
import io.propensity.runtime.metrics.ConfusionMatrix;
import io.propensity.runtime.metrics.LiftDecile;
import io.propensity.runtime.metrics.PrPoint;
import io.propensity.runtime.metrics.RocPoint;
import io.propensity.training.pipeline.Lineage;
import io.propensity.training.pipeline.ShapSummary;
import io.propensity.training.pipeline.Stage;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.pipeline.tuning.Trial;
import io.propensity.training.pipeline.tuning.TuningResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a training run as one self-contained HTML page: inline CSS and inline SVG charts drawn
 * here, no script and nothing fetched from elsewhere, so it can be stored with the model version
 * and opened offline. Every piece of text from the data is escaped.
 */
public final class HtmlReport {
  private static final String MODEL_COLOR = "#1565c0";
  private static final String BASELINE_COLOR = "#ef6c00";
  private static final String GUIDE_COLOR = "#9e9e9e";
  private static final int SUMMARY_FEATURES = 15;

  private HtmlReport() {}

  /** The report of {@code r} (its own {@code reportHtml} is ignored). */
  public static String render(TrainingResult r) {
    BinaryEvaluation m = r.modelEvaluation();
    BinaryEvaluation b = r.baselineEvaluation();
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>")
        .append(Html.escape("Training report: " + r.target()))
        .append("</title>\n")
        .append("<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<header><h1>")
        .append(Html.escape("Training report: " + r.target()))
        .append("</h1>\n<p class=\"sub\">")
        .append(Html.escape("trained " + r.lineage().trainedAt() + " · " + r.lineage().source()))
        .append("</p></header>\n");
    h.append("<nav>");
    for (String[] s :
        new String[][] {
          {"metrics", "Metrics"},
          {"confusion", "Confusion"},
          {"curves", "ROC & PR"},
          {"lift", "Lift & gain"},
          {"calibration", "Calibration"},
          {"shap-summary", "SHAP summary"},
          {"dependence", "Dependence"},
          {"tuning", "Tuning"},
          {"lineage", "Lineage"},
          {"parameters", "Parameters"}
        }) {
      h.append("<a href=\"#").append(s[0]).append("\">").append(Html.escape(s[1])).append("</a>");
    }
    h.append("</nav>\n<main>\n");

    metrics(h, r, m, b);
    confusion(h, m, b);
    curves(h, m, b);
    lift(h, m, b);
    calibration(h, m, b);
    shapSummary(h, r.shap());
    dependence(h, r.shap());
    tuning(h, r.tuning().orElse(null));
    lineage(h, r.lineage(), r);
    parameters(h, r);
    h.append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void metrics(
      StringBuilder h, TrainingResult r, BinaryEvaluation m, BinaryEvaluation b) {
    h.append("<section id=\"metrics\"><h2>Test metrics: LightGBM vs baseline</h2>\n");
    h.append("<p>")
        .append(
            Html.escape(
                m.rows()
                    + " test rows, "
                    + m.positives()
                    + " positive (base rate "
                    + Html.pct(m.baseRate())
                    + "). Thresholds were chosen on validation rows, never on test."))
        .append("</p>\n");
    h.append(
        "<table><thead><tr><th>metric</th><th>LightGBM</th><th>baseline</th></tr></thead><tbody>\n");
    row(h, "ROC-AUC", m.rocAuc(), b.rocAuc(), true);
    row(h, "PR-AUC (average precision)", m.prAuc(), b.prAuc(), true);
    row(h, "F1", m.f1(), b.f1(), true);
    row(h, "precision", m.precision(), b.precision(), true);
    row(h, "recall", m.recall(), b.recall(), true);
    row(h, "accuracy", m.accuracy(), b.accuracy(), true);
    row(h, "log loss", m.logLoss(), b.logLoss(), false);
    row(h, "Brier score", m.brierScore(), b.brierScore(), false);
    row(h, "top-decile lift", first(m.deciles()).lift(), first(b.deciles()).lift(), true);
    h.append("<tr><td>threshold</td><td>")
        .append(Html.num(m.threshold()))
        .append("</td><td>")
        .append(Html.num(b.threshold()))
        .append("</td></tr>\n");
    h.append("</tbody></table>\n<p class=\"note\">")
        .append(Html.escape("Baseline: " + r.baselineDescription()))
        .append("</p></section>\n");
  }

  private static LiftDecile first(List<LiftDecile> d) {
    return d.get(0);
  }

  private static void row(
      StringBuilder h, String name, double model, double baseline, boolean higherBetter) {
    boolean modelWins =
        !Double.isNaN(model)
            && !Double.isNaN(baseline)
            && (higherBetter ? model > baseline : model < baseline);
    boolean baseWins =
        !Double.isNaN(model)
            && !Double.isNaN(baseline)
            && (higherBetter ? baseline > model : baseline < model);
    h.append("<tr><td>")
        .append(Html.escape(name))
        .append("</td><td")
        .append(modelWins ? " class=\"win\"" : "")
        .append(">")
        .append(Html.num(model))
        .append("</td><td")
        .append(baseWins ? " class=\"win\"" : "")
        .append(">")
        .append(Html.num(baseline))
        .append("</td></tr>\n");
  }

  private static void confusion(StringBuilder h, BinaryEvaluation m, BinaryEvaluation b) {
    h.append("<section id=\"confusion\"><h2>Confusion matrices (test)</h2><div class=\"row\">\n");
    confusionTable(h, "LightGBM at threshold " + Html.num(m.threshold()), m.confusion());
    confusionTable(h, "Baseline at threshold " + Html.num(b.threshold()), b.confusion());
    h.append("</div></section>\n");
  }

  private static void confusionTable(StringBuilder h, String title, ConfusionMatrix c) {
    h.append("<table class=\"cm\"><caption>")
        .append(Html.escape(title))
        .append("</caption>")
        .append("<tr><th></th><th>predicted positive</th><th>predicted negative</th></tr>")
        .append("<tr><th>actual positive</th><td class=\"good\">")
        .append(c.truePositives())
        .append("</td><td class=\"bad\">")
        .append(c.falseNegatives())
        .append("</td></tr>")
        .append("<tr><th>actual negative</th><td class=\"bad\">")
        .append(c.falsePositives())
        .append("</td><td class=\"good\">")
        .append(c.trueNegatives())
        .append("</td></tr></table>\n");
  }

  private static void curves(StringBuilder h, BinaryEvaluation m, BinaryEvaluation b) {
    h.append(
        "<section id=\"curves\"><h2>ROC and precision-recall curves (test)</h2><div"
            + " class=\"row\">\n");
    Plot roc = new Plot(380, 360, "ROC", "false positive rate", "true positive rate", 0, 1, 0, 1);
    roc.line(new double[] {0, 1}, new double[] {0, 1}, GUIDE_COLOR, "chance", true);
    roc.line(
        rocX(b.rocCurve()),
        rocY(b.rocCurve()),
        BASELINE_COLOR,
        "baseline AUC " + Html.num(b.rocAuc()),
        false);
    roc.line(
        rocX(m.rocCurve()),
        rocY(m.rocCurve()),
        MODEL_COLOR,
        "LightGBM AUC " + Html.num(m.rocAuc()),
        false);
    h.append(roc.render());
    Plot pr = new Plot(380, 360, "Precision-recall", "recall", "precision", 0, 1, 0, 1);
    pr.line(
        new double[] {0, 1},
        new double[] {m.baseRate(), m.baseRate()},
        GUIDE_COLOR,
        "base rate",
        true);
    pr.line(
        prX(b.prCurve()),
        prY(b.prCurve()),
        BASELINE_COLOR,
        "baseline AP " + Html.num(b.prAuc()),
        false);
    pr.line(
        prX(m.prCurve()),
        prY(m.prCurve()),
        MODEL_COLOR,
        "LightGBM AP " + Html.num(m.prAuc()),
        false);
    h.append(pr.render());
    h.append("</div></section>\n");
  }

  private static double[] rocX(List<RocPoint> c) {
    return c.stream().mapToDouble(RocPoint::falsePositiveRate).toArray();
  }

  private static double[] rocY(List<RocPoint> c) {
    return c.stream().mapToDouble(RocPoint::truePositiveRate).toArray();
  }

  private static double[] prX(List<PrPoint> c) {
    return c.stream().mapToDouble(PrPoint::recall).toArray();
  }

  private static double[] prY(List<PrPoint> c) {
    return c.stream().mapToDouble(PrPoint::precision).toArray();
  }

  private static void lift(StringBuilder h, BinaryEvaluation m, BinaryEvaluation b) {
    h.append(
        "<section id=\"lift\"><h2>Lift and cumulative gain by decile (test)</h2><div"
            + " class=\"row\">\n");
    double[] dec = new double[10];
    double[] ml = new double[10];
    double[] bl = new double[10];
    double[] mg = new double[11];
    double[] bg = new double[11];
    double[] gx = new double[11];
    double maxLift = 1;
    for (int i = 0; i < 10; i++) {
      dec[i] = i + 1;
      ml[i] = m.deciles().get(i).lift();
      bl[i] = b.deciles().get(i).lift();
      mg[i + 1] = m.deciles().get(i).cumulativeGain();
      bg[i + 1] = b.deciles().get(i).cumulativeGain();
      gx[i + 1] = (i + 1) / 10.0;
      maxLift = Math.max(maxLift, Math.max(finite(ml[i]), finite(bl[i])));
    }
    Plot lift =
        new Plot(
            380,
            320,
            "Lift by decile",
            "decile (1 = highest scores)",
            "lift",
            0.5,
            10.5,
            0,
            maxLift * 1.1);
    double[] left = Arrays.stream(dec).map(d -> d - 0.2).toArray();
    double[] right = Arrays.stream(dec).map(d -> d + 0.2).toArray();
    lift.bars(left, ml, 0.38, MODEL_COLOR, "LightGBM");
    lift.bars(right, bl, 0.38, BASELINE_COLOR, "baseline");
    lift.line(new double[] {0.5, 10.5}, new double[] {1, 1}, GUIDE_COLOR, null, true);
    h.append(lift.render());
    Plot gain =
        new Plot(
            380,
            320,
            "Cumulative gain",
            "share of rows contacted",
            "share of positives captured",
            0,
            1,
            0,
            1);
    gain.line(new double[] {0, 1}, new double[] {0, 1}, GUIDE_COLOR, "random", true);
    gain.line(gx, bg, BASELINE_COLOR, "baseline", false);
    gain.line(gx, mg, MODEL_COLOR, "LightGBM", false);
    h.append(gain.render());
    h.append(
            "</div>\n"
                + "<table><thead><tr><th>decile</th><th>rows</th><th>positives</th><th>positive"
                + " rate</th><th>lift</th>")
        .append("<th>cumulative gain</th><th>baseline lift</th></tr></thead><tbody>\n");
    for (int i = 0; i < 10; i++) {
      LiftDecile d = m.deciles().get(i);
      h.append("<tr><td>")
          .append(d.decile())
          .append("</td><td>")
          .append(d.rows())
          .append("</td><td>")
          .append(d.positives())
          .append("</td><td>")
          .append(Html.pct(d.positiveRate()))
          .append("</td><td>")
          .append(Html.num(d.lift()))
          .append("</td><td>")
          .append(Html.pct(d.cumulativeGain()))
          .append("</td><td>")
          .append(Html.num(b.deciles().get(i).lift()))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table></section>\n");
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  private static void calibration(StringBuilder h, BinaryEvaluation m, BinaryEvaluation b) {
    h.append("<section id=\"calibration\"><h2>Calibration (test)</h2><div class=\"row\">\n");
    Plot p =
        new Plot(
            380,
            360,
            "Reliability",
            "mean predicted probability",
            "observed positive rate",
            0,
            1,
            0,
            1);
    p.line(new double[] {0, 1}, new double[] {0, 1}, GUIDE_COLOR, "perfect", true);
    calibrationLine(p, b.calibration(), BASELINE_COLOR, "baseline");
    calibrationLine(p, m.calibration(), MODEL_COLOR, "LightGBM");
    h.append(p.render());
    h.append(
        "<table><thead><tr><th>bin</th><th>rows</th><th>mean"
            + " predicted</th><th>observed</th></tr></thead><tbody>\n");
    for (CalibrationBin c : m.calibration()) {
      h.append("<tr><td>")
          .append(Html.num(c.lower()))
          .append("–")
          .append(Html.num(c.upper()))
          .append("</td><td>")
          .append(c.rows())
          .append("</td><td>")
          .append(Html.num(c.meanPredicted()))
          .append("</td><td>")
          .append(Html.num(c.observedRate()))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table></div></section>\n");
  }

  private static void calibrationLine(
      Plot p, List<CalibrationBin> bins, String color, String label) {
    List<CalibrationBin> used = bins.stream().filter(c -> c.rows() > 0).toList();
    double[] x = used.stream().mapToDouble(CalibrationBin::meanPredicted).toArray();
    double[] y = used.stream().mapToDouble(CalibrationBin::observedRate).toArray();
    p.line(x, y, color, label, false);
    String[] colors = new String[x.length];
    Arrays.fill(colors, color);
    p.points(x, y, colors, 3.5, 1, null);
  }

  private static void shapSummary(StringBuilder h, ShapSummary s) {
    h.append("<section id=\"shap-summary\"><h2>SHAP summary (test rows)</h2>\n<p>")
        .append(
            Html.escape(
                "Each dot is one of "
                    + s.rowsExplained()
                    + " explained test rows: its SHAP value (effect on the log-odds) for the"
                    + " feature, coloured from low (blue) to high (red) feature value; grey ="
                    + " missing. Features ordered by mean |SHAP|."))
        .append("</p>\n");
    List<ShapSummary.FeatureShap> fs =
        s.features().subList(0, Math.min(SUMMARY_FEATURES, s.features().size()));
    double lo = 0;
    double hi = 0;
    for (ShapSummary.FeatureShap f : fs) {
      for (double v : f.shap()) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    double pad = Math.max((hi - lo) * 0.05, 1e-6);
    lo -= pad;
    hi += pad;
    int rowH = 26;
    int labelW = 190;
    int plotW = 520;
    int barW = 140;
    int top = 24;
    int width = labelW + plotW + barW + 30;
    int height = top + rowH * fs.size() + 40;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append(
            "\" role=\"img\" aria-label=\"SHAP summary\">\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    double maxImp = fs.stream().mapToDouble(ShapSummary.FeatureShap::meanAbsShap).max().orElse(1);
    double zeroX = labelW + (0 - lo) / (hi - lo) * plotW;
    svg.append("<line x1=\"")
        .append(Plot.f(zeroX))
        .append("\" y1=\"")
        .append(top - 6)
        .append("\" x2=\"")
        .append(Plot.f(zeroX))
        .append("\" y2=\"")
        .append(top + rowH * fs.size())
        .append("\" stroke=\"#bbb\"/>\n");
    svg.append("<text x=\"")
        .append(labelW + plotW + 10)
        .append("\" y=\"14\" font-size=\"11\">mean |SHAP|</text>\n");
    for (int k = 0; k < fs.size(); k++) {
      ShapSummary.FeatureShap f = fs.get(k);
      double cy = top + rowH * k + rowH / 2.0;
      svg.append("<text x=\"")
          .append(labelW - 8)
          .append("\" y=\"")
          .append(Plot.f(cy + 4))
          .append("\" text-anchor=\"end\" font-size=\"11\">")
          .append(Html.escape(f.feature()))
          .append("</text>\n");
      double[] vals = f.values().stream().mapToDouble(Double::doubleValue).toArray();
      double[] range = robustRange(vals);
      Map<Integer, Integer> stack = new HashMap<>();
      for (int i = 0; i < f.shap().size(); i++) {
        double x = labelW + (f.shap().get(i) - lo) / (hi - lo) * plotW;
        int bin = (int) Math.round(x / 3);
        int n = stack.merge(bin, 1, Integer::sum) - 1;
        double off = ((n % 2 == 0) ? 1 : -1) * Math.min((n + 1) / 2 * 2.2, rowH / 2.0 - 2);
        svg.append("<circle cx=\"")
            .append(Plot.f(x))
            .append("\" cy=\"")
            .append(Plot.f(cy + off))
            .append("\" r=\"2.2\" fill=\"")
            .append(colorFor(vals[i], range))
            .append("\" fill-opacity=\"0.8\"/>\n");
      }
      double bw = maxImp > 0 ? f.meanAbsShap() / maxImp * barW : 0;
      svg.append("<rect x=\"")
          .append(labelW + plotW + 10)
          .append("\" y=\"")
          .append(Plot.f(cy - 6))
          .append("\" width=\"")
          .append(Plot.f(bw))
          .append("\" height=\"12\" fill=\"")
          .append(MODEL_COLOR)
          .append("\"/>\n");
      svg.append("<text x=\"")
          .append(Plot.f(labelW + plotW + 14 + bw))
          .append("\" y=\"")
          .append(Plot.f(cy + 4))
          .append("\" font-size=\"10\">")
          .append(Html.num(f.meanAbsShap()))
          .append("</text>\n");
    }
    int axisY = top + rowH * fs.size() + 4;
    for (double t : Plot.ticks(lo, hi)) {
      double x = labelW + (t - lo) / (hi - lo) * plotW;
      svg.append("<text x=\"")
          .append(Plot.f(x))
          .append("\" y=\"")
          .append(axisY + 12)
          .append("\" text-anchor=\"middle\" font-size=\"10\">")
          .append(Html.escape(String.format(Locale.ROOT, "%.2f", t)))
          .append("</text>\n");
    }
    svg.append("<text x=\"")
        .append(labelW + plotW / 2)
        .append("\" y=\"")
        .append(axisY + 30)
        .append(
            "\" text-anchor=\"middle\" font-size=\"11\">SHAP value (log-odds)</text>\n</svg>\n");
    h.append(svg);
    h.append(
        "<table><thead><tr><th>#</th><th>feature</th><th>mean |SHAP|</th></tr></thead><tbody>\n");
    int i = 1;
    for (ShapSummary.FeatureShap f : s.features()) {
      h.append("<tr><td>")
          .append(i++)
          .append("</td><td>")
          .append(Html.escape(f.feature()))
          .append("</td><td>")
          .append(Html.num(f.meanAbsShap()))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table></section>\n");
  }

  private static void dependence(StringBuilder h, ShapSummary s) {
    h.append(
        "<section id=\"dependence\"><h2>SHAP dependence of the top features</h2><div"
            + " class=\"row\">\n");
    if (s.dependence().isEmpty()) {
      h.append("<p>No feature moved any prediction.</p>");
    }
    for (ShapSummary.Dependence d : s.dependence()) {
      double[] x = d.values().stream().mapToDouble(Double::doubleValue).toArray();
      double[] y = d.shap().stream().mapToDouble(Double::doubleValue).toArray();
      double[] c = d.colorValues().stream().mapToDouble(Double::doubleValue).toArray();
      double[] xr = minMax(x);
      double[] yr = minMax(y);
      double[] cr = robustRange(c);
      String[] colors = new String[x.length];
      for (int i = 0; i < x.length; i++) {
        colors[i] = colorFor(c[i], cr);
      }
      Plot p =
          new Plot(
              380,
              320,
              d.feature(),
              d.feature(),
              "SHAP (log-odds)",
              xr[0],
              xr[1],
              Math.min(0, yr[0]),
              Math.max(0, yr[1]));
      p.line(new double[] {xr[0], xr[1]}, new double[] {0, 0}, GUIDE_COLOR, null, true);
      p.points(x, y, colors, 2.5, 0.8, null);
      h.append("<figure>")
          .append(p.render())
          .append("<figcaption>")
          .append(
              Html.escape(
                  d.colorFeature().isEmpty()
                      ? ""
                      : "colour: " + d.colorFeature() + " (blue low, red high)"))
          .append("</figcaption></figure>\n");
    }
    h.append("</div></section>\n");
  }

  private static void tuning(StringBuilder h, TuningResult t) {
    h.append("<section id=\"tuning\"><h2>Hyperparameter tuning</h2>\n");
    if (t == null) {
      h.append(
          "<p>No tuning: the configured hyperparameters were used as they are.</p></section>\n");
      return;
    }
    h.append("<p>")
        .append(
            Html.escape(
                t.method()
                    + " search, "
                    + t.trials().size()
                    + " trials, "
                    + t.folds()
                    + "-fold "
                    + t.foldMethod()
                    + " cross-validation on training rows, metric "
                    + t.metric().lightGbmName()
                    + " ("
                    + (t.metric().higherIsBetter() ? "higher" : "lower")
                    + " is better), "
                    + seconds(t.elapsed())
                    + ", stopped by "
                    + t.stopReason().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + "."))
        .append("</p>\n");
    List<Trial> done =
        t.trials().stream().filter(x -> x.status() == Trial.TrialStatus.COMPLETED).toList();
    if (!done.isEmpty()) {
      double[] xs = done.stream().mapToDouble(Trial::number).toArray();
      double[] ys = done.stream().mapToDouble(Trial::cvMean).toArray();
      double[] yr = minMax(ys);
      double[] best = new double[ys.length];
      for (int i = 0; i < ys.length; i++) {
        best[i] = i == 0 ? ys[0] : (t.metric().better(ys[i], best[i - 1]) ? ys[i] : best[i - 1]);
      }
      String[] colors = new String[xs.length];
      for (int i = 0; i < xs.length; i++) {
        colors[i] = done.get(i).best() ? "#2e7d32" : MODEL_COLOR;
      }
      Plot p =
          new Plot(
              520,
              280,
              "CV " + t.metric().lightGbmName() + " by trial",
              "trial",
              t.metric().lightGbmName(),
              0.5,
              Math.max(1.5, t.trials().size() + 0.5),
              yr[0],
              yr[1]);
      p.line(xs, best, "#2e7d32", "best so far", true);
      p.points(xs, ys, colors, 4, 0.9, null);
      h.append(p.render());
    }
    h.append(
            "<table><thead><tr><th>#</th><th>by</th><th>status</th><th>CV mean</th><th>CV"
                + " sd</th><th>iterations</th>")
        .append(
            "<th>num_leaves</th><th>learning_rate</th><th>min_data_in_leaf</th><th>feature_fraction</th>")
        .append(
            "<th>bagging_fraction</th><th>bagging_freq</th><th>lambda_l1</th><th>lambda_l2</th><th>time</th></tr></thead><tbody>\n");
    for (Trial x : t.trials()) {
      h.append("<tr")
          .append(x.best() ? " class=\"best\"" : "")
          .append("><td>")
          .append(x.number())
          .append(x.best() ? " ★" : "")
          .append("</td><td>")
          .append(Html.escape(x.proposedBy()))
          .append("</td><td>")
          .append(Html.escape(x.status().name().toLowerCase(Locale.ROOT)))
          .append(
              x.error().isEmpty()
                  ? ""
                  : " <span class=\"note\">" + Html.escape(x.error()) + "</span>")
          .append("</td><td>")
          .append(Html.num(x.cvMean()))
          .append("</td><td>")
          .append(Html.num(x.cvStd()))
          .append("</td><td>")
          .append(x.bestIteration())
          .append("</td><td>")
          .append(x.params().numLeaves())
          .append("</td><td>")
          .append(Html.num(x.params().learningRate()))
          .append("</td><td>")
          .append(x.params().minDataInLeaf())
          .append("</td><td>")
          .append(Html.num(x.params().featureFraction()))
          .append("</td><td>")
          .append(Html.num(x.params().baggingFraction()))
          .append("</td><td>")
          .append(x.params().baggingFreq())
          .append("</td><td>")
          .append(Html.num(x.params().lambdaL1()))
          .append("</td><td>")
          .append(Html.num(x.params().lambdaL2()))
          .append("</td><td>")
          .append(seconds(x.duration()))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table></section>\n");
  }

  private static void lineage(StringBuilder h, Lineage l, TrainingResult r) {
    h.append("<section id=\"lineage\"><h2>Data and lineage</h2><table><tbody>\n");
    kv(h, "source", l.source());
    kv(
        h,
        "rows",
        l.totalRows()
            + " (train "
            + l.trainRows()
            + ", validation "
            + l.validationRows()
            + ", test "
            + l.testRows()
            + ")");
    kv(
        h,
        "positive rate",
        Html.pct(l.positiveRate())
            + " overall, "
            + Html.pct(l.trainPositiveRate())
            + " train, "
            + Html.pct(l.testPositiveRate())
            + " test");
    kv(h, "split", l.splitMethod().name().toLowerCase(Locale.ROOT));
    l.firstCutoff().ifPresent(c -> kv(h, "first cutoff", c.toString()));
    l.lastTrainCutoff().ifPresent(c -> kv(h, "last train/validation cutoff", c.toString()));
    if (!l.testCutoffs().isEmpty()) {
      kv(
          h,
          "test cutoffs",
          l.testCutoffs().size()
              + ": "
              + l.testCutoffs().get(0)
              + " … "
              + l.testCutoffs().get(l.testCutoffs().size() - 1));
    }
    kv(
        h,
        "imbalance",
        l.imbalance()
            + (l.syntheticRows() > 0
                ? " (" + l.syntheticRows() + " synthetic rows in the final fit)"
                : ""));
    kv(h, "final fit", l.refitOnValidation() ? "refitted on train + validation" : "train only");
    kv(h, "seed", Long.toString(l.seed()));
    for (String n : l.notes()) {
      kv(h, "note", n);
    }
    StringBuilder times = new StringBuilder();
    for (Map.Entry<Stage, Duration> e : r.timings().entrySet()) {
      times
          .append(e.getKey().name().toLowerCase(Locale.ROOT))
          .append(' ')
          .append(seconds(e.getValue()))
          .append(", ");
    }
    times.append("total ").append(seconds(r.totalTime()));
    kv(h, "timings", times.toString());
    h.append("</tbody></table></section>\n");
  }

  private static void parameters(StringBuilder h, TrainingResult r) {
    h.append("<section id=\"parameters\"><h2>Model and features</h2><table><tbody>\n");
    kv(h, "iterations", Integer.toString(r.iterations()));
    kv(
        h,
        "threshold",
        Html.num(r.threshold())
            + " (validation F-"
            + Html.num(r.thresholdChoice().beta())
            + " "
            + Html.num(r.thresholdChoice().score())
            + ", precision "
            + Html.num(r.thresholdChoice().precision())
            + ", recall "
            + Html.num(r.thresholdChoice().recall())
            + ")");
    for (Map.Entry<String, String> e : r.params().entrySet()) {
      kv(h, e.getKey(), e.getValue());
    }
    h.append(
        "</tbody></table>\n"
            + "<table><thead><tr><th>#</th><th>feature</th><th>kind</th><th>categories</th></tr></thead><tbody>\n");
    for (int i = 0; i < r.featureNames().size(); i++) {
      String name = r.featureNames().get(i);
      var vocab = r.vocabularies().get(name);
      h.append("<tr><td>")
          .append(i)
          .append("</td><td>")
          .append(Html.escape(name))
          .append("</td><td>")
          .append(r.featureKinds().get(i).name().toLowerCase(Locale.ROOT))
          .append("</td><td>")
          .append(vocab == null ? "" : Html.escape(vocab.values().size() - 1 + " values"))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table></section>\n");
  }

  private static void kv(StringBuilder h, String k, String v) {
    h.append("<tr><th>")
        .append(Html.escape(k))
        .append("</th><td>")
        .append(Html.escape(v))
        .append("</td></tr>\n");
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static double[] minMax(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      if (Double.isFinite(x)) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
  }

  /** 5th–95th percentile of the finite values, so outliers do not wash out the colours. */
  private static double[] robustRange(double[] v) {
    double[] f = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
    if (f.length == 0) {
      return new double[] {0, 1};
    }
    return new double[] {
      f[(int) (0.05 * (f.length - 1))], f[(int) Math.ceil(0.95 * (f.length - 1))]
    };
  }

  /** Blue (low) → purple → red (high); grey for missing. */
  private static String colorFor(double v, double[] range) {
    if (!Double.isFinite(v)) {
      return "#9e9e9e";
    }
    double t = range[1] > range[0] ? (v - range[0]) / (range[1] - range[0]) : 0.5;
    t = Math.min(1, Math.max(0, t));
    int r = (int) Math.round(30 + t * (229 - 30));
    int g = (int) Math.round(136 + t * (57 - 136));
    int b = (int) Math.round(229 + t * (53 - 229));
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  private static final String CSS =
      """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#212121;background:#fafafa}
      header{background:#0d47a1;color:#fff;padding:16px 24px}header h1{margin:0;font-size:22px}
      .sub{margin:4px 0 0;opacity:.85;font-size:13px}
      nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 24px;z-index:1}
      nav a{margin-right:14px;color:#0d47a1;text-decoration:none;font-size:13px}
      main{padding:8px 24px 40px}section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 18px;margin:16px 0}
      h2{font-size:17px;margin:4px 0 10px}.row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
      table{border-collapse:collapse;font-size:12.5px;margin:8px 0}th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:right}
      th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}
      td.win{font-weight:700;color:#1b5e20}tr.best td{background:#e8f5e9}
      table.cm td{min-width:90px;text-align:center;font-size:15px}td.good{background:#e8f5e9}td.bad{background:#ffebee}
      caption{font-weight:600;padding:4px;text-align:left}.note{color:#757575;font-size:12px}
      figure{margin:0}figcaption{font-size:11px;color:#616161;text-align:center}
      """;
}
