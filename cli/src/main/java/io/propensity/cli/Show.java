package io.propensity.cli;

import java.util.Locale;
import propensity.inference.v1.Factor;
import propensity.inference.v1.Prediction;
import propensity.registry.v1.Evaluation;
import propensity.training.v1.MetricSummary;

/** How predictions, factors and metrics read on a terminal. */
final class Show {
  private Show() {}

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
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
}
