package io.propensity.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import propensity.features.v1.FeatureSource;
import propensity.inference.v1.Factor;
import propensity.inference.v1.Prediction;
import propensity.registry.v1.CalibrationBin;
import propensity.registry.v1.ConfidenceInterval;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.MetricIntervals;
import propensity.registry.v1.ModelComparison;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ReferenceEvaluation;
import propensity.registry.v1.ReferenceStatus;
import propensity.training.v1.CalibrationSummary;
import propensity.training.v1.EvaluationSummary;
import propensity.training.v1.MetricSummary;
import propensity.training.v1.RuleSummary;

/** How predictions, factors and metrics read on a terminal. */
final class Show {
  private Show() {}

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /**
   * Where a model's features come from and so what it scores, e.g. {@code PROVIDED (the team's own
   * features): scores rows you send: predict --features-file}.
   */
  static String featureSource(FeatureSource source) {
    return switch (source) {
      case FEATURE_SOURCE_PROVIDED ->
          "PROVIDED (the team's own features): scores rows you send: predict --features-file";
      case FEATURE_SOURCE_ENGINE ->
          "ENGINE (feature-engine's, computed from events): scores users by id (predict --user),"
              + " inline events and streams";
      default -> "not said (a registry older than feature sources)";
    };
  }

  /** One line: who, probability, decision, version. */
  static String prediction(Prediction p) {
    String who = p.getUserId().isEmpty() ? "(vector)" : p.getUserId();
    return f(
        "%-12s p=%.4f  %-10s threshold %.3f  %s v%d%s",
        who,
        p.getProbability(),
        p.getLabel() ? "TARGET" : "not target",
        p.getThreshold(),
        p.getModelName(),
        p.getModelVersion(),
        p.getColdStart() ? "  (cold start: no history)" : "");
  }

  /** A factor as an indented line: contribution, feature, value, description. */
  static String factor(Factor x) {
    String d =
        x.getDescription().isEmpty()
            ? x.getFeature() + " = " + Tables.number(x.getValue())
            : x.getDescription();
    return f("    %+8.4f  %-34s %s", x.getContribution(), x.getFeature(), d);
  }

  /** Factors on one line, for streams. */
  static String factorsInline(Prediction p) {
    StringBuilder s = new StringBuilder();
    for (Factor x : p.getFactorsList()) {
      s.append(s.length() == 0 ? "" : ", ")
          .append(
              f("%s=%s (%+.2f)", x.getFeature(), Tables.number(x.getValue()), x.getContribution()));
    }
    return s.toString();
  }

  static String metrics(String label, MetricSummary m) {
    return f(
        "  %-10s ROC-AUC %.3f  PR-AUC %.3f  F1 %.3f  precision %.3f  recall %.3f  log loss %.3f  (threshold %.3f)",
        label,
        m.getRocAuc(),
        m.getPrAuc(),
        m.getF1(),
        m.getPrecision(),
        m.getRecall(),
        m.getLogLoss(),
        m.getThreshold());
  }

  static String metrics(String label, Evaluation m) {
    return f(
        "  %-20s ROC-AUC %.3f  PR-AUC %.3f  F1 %.3f  precision %.3f  recall %.3f  log loss %.3f  Brier %.3f",
        label,
        m.getRocAuc(),
        m.getPrAuc(),
        m.getF1(),
        m.getPrecision(),
        m.getRecall(),
        m.getLogLoss(),
        m.getBrier());
  }

  /** Lower-case method name of a training-contract calibration method, e.g. {@code isotonic}. */
  static String method(propensity.training.v1.CalibrationMethod m) {
    return m.name().replace("CALIBRATION_METHOD_", "").toLowerCase(Locale.ROOT);
  }

  /** A finished job's calibration and what it did to the test rows' reliability. */
  static String calibration(CalibrationSummary c) {
    return f(
        "  calibration %s%s%n    test rows: Brier %.4f -> %.4f, ECE %.4f -> %.4f, log loss %.4f ->"
            + " %.4f (model's own -> served)",
        method(c.getMethod()),
        c.getReason().isEmpty() ? "" : ": " + c.getReason(),
        c.getUncalibratedBrier(),
        c.getBrier(),
        c.getUncalibratedExpectedCalibrationError(),
        c.getExpectedCalibrationError(),
        c.getUncalibratedLogLoss(),
        c.getLogLoss());
  }

  /**
   * A version's calibration: the method and what it was fitted on, Brier and ECE of the test rows
   * before and after, and the reliability curve (mean predicted against observed positive rate per
   * probability bin) of the probabilities served, beside the model's own when it is calibrated.
   */
  static String calibration(ModelVersion v) {
    StringBuilder s = new StringBuilder();
    var c = v.getCalibration();
    String method =
        switch (c.getMethodCase()) {
          case PLATT ->
              f(
                  "Platt scaling (slope %.4f, intercept %.4f)",
                  c.getPlatt().getSlope(), c.getPlatt().getIntercept());
          case ISOTONIC -> f("isotonic (%d points)", c.getIsotonic().getPointsCount());
          default -> "none (the model's own probability)";
        };
    s.append(f("calibration %s", method));
    if (c.getValidationRowCount() > 0) {
      s.append(
          f(
              ", fitted on %,d held-out rows (%,d positive)",
              c.getValidationRowCount(), c.getValidationPositiveCount()));
    }
    s.append(System.lineSeparator());
    if (!c.getReason().isEmpty()) {
      s.append("  ").append(c.getReason()).append(System.lineSeparator());
    }
    Evaluation e = v.getEvaluation();
    boolean before = e.hasUncalibrated();
    if (before) {
      s.append(
          f(
              "  test rows   Brier %.4f -> %.4f   ECE %.4f -> %.4f   log loss %.4f -> %.4f"
                  + " (model's own -> served)%n",
              e.getUncalibrated().getBrier(),
              e.getBrier(),
              e.getUncalibrated().getExpectedCalibrationError(),
              e.getExpectedCalibrationError(),
              e.getUncalibrated().getLogLoss(),
              e.getLogLoss()));
    } else {
      s.append(
          f(
              "  test rows   Brier %.4f   ECE %.4f   log loss %.4f%n",
              e.getBrier(), e.getExpectedCalibrationError(), e.getLogLoss()));
    }
    if (e.getCalibrationBinsCount() > 0) {
      s.append(
          before
              ? f(
                  "  reliability  bin         rows  predicted  observed    own rows  own predicted"
                      + "  own observed%n")
              : f("  reliability  bin         rows  predicted  observed%n"));
      for (int i = 0; i < e.getCalibrationBinsCount(); i++) {
        CalibrationBin b = e.getCalibrationBins(i);
        s.append(
            f(
                "               %.1f-%.1f %8d  %9s  %8s",
                b.getLowerBound(),
                b.getUpperBound(),
                b.getRowCount(),
                binValue(b.getRowCount(), b.getMeanPredictedProbability()),
                binValue(b.getRowCount(), b.getObservedPositiveRate())));
        if (before && i < e.getUncalibrated().getCalibrationBinsCount()) {
          CalibrationBin u = e.getUncalibrated().getCalibrationBins(i);
          s.append(
              f(
                  "  %10d  %13s  %12s",
                  u.getRowCount(),
                  binValue(u.getRowCount(), u.getMeanPredictedProbability()),
                  binValue(u.getRowCount(), u.getObservedPositiveRate())));
        }
        s.append(System.lineSeparator());
      }
    }
    return s.toString();
  }

  private static String binValue(long rows, double v) {
    return rows == 0 ? "-" : f("%.3f", v);
  }

  /** A metric with its interval: {@code 0.812 [0.791, 0.830]}. */
  static String interval(ConfidenceInterval ci) {
    return number(ci.getEstimate(), false)
        + " ["
        + number(ci.getLower(), false)
        + ", "
        + number(ci.getUpper(), false)
        + "]";
  }

  /** A difference with its interval, signed: {@code +0.004 [−0.006, +0.013]}. */
  static String difference(ConfidenceInterval ci) {
    return number(ci.getEstimate(), true)
        + " ["
        + number(ci.getLower(), true)
        + ", "
        + number(ci.getUpper(), true)
        + "]";
  }

  /**
   * One line of the intervals that are set: {@code ROC-AUC 0.812 [0.791, 0.830] PR-AUC ...}; each a
   * signed difference when {@code signed}. Empty when none is set.
   */
  static String intervals(String label, MetricIntervals m, boolean signed) {
    List<String> parts = new ArrayList<>();
    add(parts, "ROC-AUC", m.hasRocAuc(), m.getRocAuc(), signed);
    add(parts, "PR-AUC", m.hasPrAuc(), m.getPrAuc(), signed);
    add(parts, "F1", m.hasF1(), m.getF1(), signed);
    add(parts, "log loss", m.hasLogLoss(), m.getLogLoss(), signed);
    add(parts, "Brier", m.hasBrier(), m.getBrier(), signed);
    return parts.isEmpty() ? "" : f("  %-20s %s", label, String.join("  ", parts));
  }

  /**
   * The intervals, the verdict against the baseline and the naive rules of a job's evaluation; no
   * lines when it has no intervals.
   */
  static List<String> comparison(EvaluationSummary e) {
    List<String> lines = new ArrayList<>();
    if (e.getVerdict().isEmpty()) {
      return lines;
    }
    lines.add("confidence intervals: " + e.getIntervalMethod());
    line(lines, intervals("LightGBM", e.getModel().getIntervals(), false));
    if (e.hasBaseline()) {
      line(lines, intervals("baseline", e.getBaseline().getIntervals(), false));
    }
    line(lines, intervals("LightGBM − baseline", e.getBaselineDifference(), true));
    for (RuleSummary r : e.getRulesList()) {
      if (r.getStatus() == ReferenceStatus.REFERENCE_STATUS_EVALUATED) {
        line(lines, intervals(r.getDescription(), r.getMetrics().getIntervals(), false));
        line(lines, intervals("LightGBM − rule", r.getModelDifference(), true));
      } else {
        lines.add(f("  %-20s not evaluated: %s", r.getDescription(), r.getNote()));
      }
    }
    lines.add("verdict: " + e.getVerdict());
    return lines;
  }

  /** The same for a registered version's comparison. */
  static List<String> comparison(
      Evaluation model, Evaluation baseline, boolean hasBaseline, ModelComparison c) {
    List<String> lines = new ArrayList<>();
    lines.add(
        f(
            "confidence intervals: %d bootstrap resamples of %,d %s, %s percentile intervals, seed %d",
            c.getBootstrapResamples(),
            c.getBootstrapUnitCount(),
            c.getBootstrapUnit() == propensity.registry.v1.BootstrapUnit.BOOTSTRAP_UNIT_USER
                ? "users (all rows of a user drawn together)"
                : "rows",
            percent(c.getConfidenceLevel()),
            c.getBootstrapSeed()));
    line(lines, intervals(label(model, "model"), model.getIntervals(), false));
    if (hasBaseline) {
      line(lines, intervals(label(baseline, "baseline"), baseline.getIntervals(), false));
    }
    line(lines, intervals("model − baseline", c.getBaselineDifference(), true));
    for (ReferenceEvaluation r : c.getReferenceEvaluationsList()) {
      if (r.getStatus() == ReferenceStatus.REFERENCE_STATUS_EVALUATED) {
        line(lines, intervals(r.getDescription(), r.getEvaluation().getIntervals(), false));
        line(lines, intervals("model − rule", r.getModelDifference(), true));
      } else {
        lines.add(f("  %-20s not evaluated: %s", r.getDescription(), r.getNote()));
      }
    }
    lines.add("verdict: " + c.getVerdict());
    return lines;
  }

  private static String label(Evaluation e, String otherwise) {
    return e.getModelKind().isEmpty() ? otherwise : e.getModelKind();
  }

  private static String percent(double level) {
    double pct = 100 * level;
    return pct == Math.rint(pct) ? Long.toString(Math.round(pct)) + "%" : pct + "%";
  }

  private static void line(List<String> lines, String line) {
    if (!line.isEmpty()) {
      lines.add(line);
    }
  }

  private static void add(
      List<String> parts, String name, boolean set, ConfidenceInterval ci, boolean signed) {
    if (set) {
      parts.add(name + " " + (signed ? difference(ci) : interval(ci)));
    }
  }

  private static String number(double v, boolean signed) {
    // a true minus sign, as in print; -0.000 reads as 0
    String s = f(signed ? "%+.3f" : "%.3f", v);
    if (s.equals("-0.000")) {
      s = signed ? "+0.000" : "0.000";
    }
    return s.replace('-', '−');
  }
}
