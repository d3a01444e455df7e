package io.propensity.training.pipeline.report;

import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.CalibrationBin;
import io.propensity.runtime.metrics.PrPoint;
import io.propensity.runtime.metrics.RocPoint;
import io.propensity.training.pipeline.CalibrationReport;
import io.propensity.training.pipeline.ShapSummary;
import io.propensity.training.pipeline.tuning.Trial;
import io.propensity.training.pipeline.tuning.TuningResult;
import java.util.Arrays;
import java.util.List;

/** The report's charts, from the evaluations, the SHAP summary and the tuning trials. */
final class Charts {
  static final String MODEL_COLOR = "#1565c0";
  private static final String BASELINE_COLOR = "#ef6c00";
  private static final String UNCALIBRATED_COLOR = "#7e57c2";
  private static final String GUIDE_COLOR = "#9e9e9e";
  private static final String BEST_COLOR = "#2e7d32";

  /** A dependence chart and its caption (which feature colours the dots). */
  record Figure(Plot.Chart chart, String caption) {}

  private Charts() {}

  static Plot.Chart roc(BinaryEvaluation m, BinaryEvaluation b) {
    Plot roc = new Plot(380, 360, "ROC", "false positive rate", "true positive rate", 0, 1, 0, 1);
    roc.line(new double[] {0, 1}, new double[] {0, 1}, GUIDE_COLOR, "chance", true);
    roc.line(
        rocX(b.rocCurve()),
        rocY(b.rocCurve()),
        BASELINE_COLOR,
        "baseline AUC " + Format.INSTANCE.num(b.rocAuc()),
        false);
    roc.line(
        rocX(m.rocCurve()),
        rocY(m.rocCurve()),
        MODEL_COLOR,
        "LightGBM AUC " + Format.INSTANCE.num(m.rocAuc()),
        false);
    return roc.chart();
  }

  static Plot.Chart precisionRecall(BinaryEvaluation m, BinaryEvaluation b) {
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
        "baseline AP " + Format.INSTANCE.num(b.prAuc()),
        false);
    pr.line(
        prX(m.prCurve()),
        prY(m.prCurve()),
        MODEL_COLOR,
        "LightGBM AP " + Format.INSTANCE.num(m.prAuc()),
        false);
    return pr.chart();
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

  static Plot.Chart lift(BinaryEvaluation m, BinaryEvaluation b) {
    double[] dec = new double[10];
    double[] ml = new double[10];
    double[] bl = new double[10];
    double maxLift = 1;
    for (int i = 0; i < 10; i++) {
      dec[i] = i + 1;
      ml[i] = m.deciles().get(i).lift();
      bl[i] = b.deciles().get(i).lift();
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
    return lift.chart();
  }

  static Plot.Chart gain(BinaryEvaluation m, BinaryEvaluation b) {
    double[] mg = new double[11];
    double[] bg = new double[11];
    double[] gx = new double[11];
    for (int i = 0; i < 10; i++) {
      mg[i + 1] = m.deciles().get(i).cumulativeGain();
      bg[i + 1] = b.deciles().get(i).cumulativeGain();
      gx[i + 1] = (i + 1) / 10.0;
    }
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
    return gain.chart();
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  /**
   * The reliability curve on the test rows: the baseline, the model's own probabilities (dashed)
   * and its calibrated ones, when it was calibrated.
   */
  static Plot.Chart calibration(CalibrationReport c, BinaryEvaluation b) {
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
    calibrationLine(p, b.calibration(), BASELINE_COLOR, "baseline", false);
    boolean calibrated = c.model().method() != CalibrationMethod.NONE;
    if (calibrated) {
      calibrationLine(
          p, c.uncalibrated().bins(), UNCALIBRATED_COLOR, "LightGBM uncalibrated", true);
    }
    calibrationLine(
        p,
        c.calibrated().bins(),
        MODEL_COLOR,
        calibrated
            ? "LightGBM calibrated (" + Format.INSTANCE.lower(c.model().method()) + ")"
            : "LightGBM",
        false);
    return p.chart();
  }

  private static void calibrationLine(
      Plot p, List<CalibrationBin> bins, String color, String label, boolean dashed) {
    List<CalibrationBin> used = bins.stream().filter(c -> c.rows() > 0).toList();
    double[] x = used.stream().mapToDouble(CalibrationBin::meanPredicted).toArray();
    double[] y = used.stream().mapToDouble(CalibrationBin::observedRate).toArray();
    p.line(x, y, color, label, dashed);
    String[] colors = new String[x.length];
    Arrays.fill(colors, color);
    p.points(x, y, colors, 3.5, 1, null);
  }

  /** The SHAP dependence chart of each top feature, dots coloured by its strongest partner. */
  static List<Figure> dependence(ShapSummary s) {
    return s.dependence().stream().map(Charts::dependence).toList();
  }

  private static Figure dependence(ShapSummary.Dependence d) {
    double[] x = d.values().stream().mapToDouble(Double::doubleValue).toArray();
    double[] y = d.shap().stream().mapToDouble(Double::doubleValue).toArray();
    double[] c = d.colorValues().stream().mapToDouble(Double::doubleValue).toArray();
    double[] xr = minMax(x);
    double[] yr = minMax(y);
    double[] cr = ValueColors.robustRange(c);
    String[] colors = new String[x.length];
    for (int i = 0; i < x.length; i++) {
      colors[i] = ValueColors.of(c[i], cr);
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
    String caption =
        d.colorFeature().isEmpty() ? "" : "colour: " + d.colorFeature() + " (blue low, red high)";
    return new Figure(p.chart(), caption);
  }

  /** The CV metric of every completed trial and the best so far, or null when none completed. */
  static Plot.Chart tuning(TuningResult t) {
    List<Trial> done =
        t.trials().stream().filter(x -> x.status() == Trial.TrialStatus.COMPLETED).toList();
    if (done.isEmpty()) {
      return null;
    }
    double[] xs = done.stream().mapToDouble(Trial::number).toArray();
    double[] ys = done.stream().mapToDouble(Trial::cvMean).toArray();
    double[] yr = minMax(ys);
    double[] best = new double[ys.length];
    for (int i = 0; i < ys.length; i++) {
      best[i] = i == 0 ? ys[0] : (t.metric().better(ys[i], best[i - 1]) ? ys[i] : best[i - 1]);
    }
    String[] colors = new String[xs.length];
    for (int i = 0; i < xs.length; i++) {
      colors[i] = done.get(i).best() ? BEST_COLOR : MODEL_COLOR;
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
    p.line(xs, best, BEST_COLOR, "best so far", true);
    p.points(xs, ys, colors, 4, 0.9, null);
    return p.chart();
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
}
