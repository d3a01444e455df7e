package io.propensity.bench.quality;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import propensity.registry.v1.BootstrapUnit;
import propensity.registry.v1.ConfidenceInterval;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.MetricIntervals;
import propensity.registry.v1.ModelComparison;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ReferenceEvaluation;
import propensity.registry.v1.ReferenceStatus;

/**
 * The benchmark's table, in Markdown: per data set, the test rows and their positives, then one row
 * per scorer (LightGBM, the logistic baseline) with ROC-AUC, PR-AUC, positive-class F1, log loss
 * and Brier score as the registry recorded them for the version the job registered.
 */
final class QualityReport {

  /** How one data set's run ended. */
  record Outcome(
      Optional<ModelVersion> version,
      String problem,
      boolean skipped,
      Optional<ReferenceRun.Outcome> reference) {
    static Outcome trained(ModelVersion v) {
      return new Outcome(Optional.of(v), "", false, Optional.empty());
    }

    static Outcome skipped(String why) {
      return new Outcome(Optional.empty(), why, true, Optional.empty());
    }

    static Outcome failed(String why) {
      return new Outcome(Optional.empty(), why, false, Optional.empty());
    }

    /** This outcome with the outside reference run on the same split. */
    Outcome withReference(ReferenceRun.Outcome r) {
      return new Outcome(version, problem, skipped, Optional.of(r));
    }
  }

  private record Entry(QualityDataset dataset, Outcome outcome, Duration took) {}

  private final int trials;
  private final int folds;
  private final List<Entry> entries = new ArrayList<>();

  QualityReport(int trials, int folds) {
    this.trials = trials;
    this.folds = folds;
  }

  void add(QualityDataset d, Outcome o, Duration took) {
    entries.add(new Entry(d, o, took));
  }

  /** The table rows of one data set, for progress output. */
  String lines(String name) {
    StringBuilder sb = new StringBuilder();
    for (Entry e : entries) {
      if (e.dataset().name().equals(name)) {
        rows(e, sb);
      }
    }
    return sb.toString();
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("## Quality benchmark\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "Every data set through the CLI on a fresh local stack: import, point-in-time"
                    + " training set, TPE tuning (%d trials, %d-fold cross-validation), LightGBM and"
                    + " a logistic-regression baseline, evaluated on the test rows (the later"
                    + " cutoffs for logs; a fixed split column for tables) beside two naive rules."
                    + " Every figure has its bootstrap 95%% interval in brackets; the"
                    + " \"LightGBM − baseline\" row gives paired differences on the same"
                    + " resamples (for log loss and Brier, negative is better).%n%n",
                trials,
                folds))
        .append(HEADER);
    for (Entry e : entries) {
      rows(e, sb);
    }
    sb.append('\n');
    references(sb);
    for (Entry e : entries) {
      sb.append("- **")
          .append(e.dataset().name())
          .append("**: ")
          .append(e.dataset().shop())
          .append("; ")
          .append(e.dataset().note())
          .append(String.format(Locale.ROOT, " (%.0f s)", e.took().toMillis() / 1000.0))
          .append('\n');
      e.outcome()
          .version()
          .ifPresent(
              v -> {
                sb.append("  - verdict: ").append(verdict(v)).append('\n');
                for (String note : v.getLineage().getNotesList()) {
                  sb.append("  - ").append(note).append('\n');
                }
              });
    }
    return sb.toString();
  }

  /**
   * The outside reference of every tabular set that has one: the script's own rows (bootstrap
   * intervals over test rows) and the command that reproduces them.
   */
  private void references(StringBuilder sb) {
    for (Entry e : entries) {
      if (e.outcome().reference().isEmpty()) {
        continue;
      }
      ReferenceRun.Outcome r = e.outcome().reference().get();
      sb.append("Outside reference for **")
          .append(e.dataset().name())
          .append(
              e.dataset().tabular()
                  ? "**, the same file and split (`"
                  : "**, the same target and cutoffs as a training set, split by time like"
                      + " Propensity's (`")
          .append(r.command())
          .append("`):\n\n");
      if (!r.problem().isEmpty()) {
        sb.append("not run: ").append(r.problem()).append("\n\n");
        continue;
      }
      sb.append("| reference model | ROC-AUC | PR-AUC | F1 | log loss | Brier |\n")
          .append("|---|---|---|---|---|---|\n");
      r.rows().forEach(row -> sb.append(row).append('\n'));
      sb.append('\n');
    }
  }

  private static final String HEADER =
      "| data set | test rows (positives) | scorer | ROC-AUC | PR-AUC | F1 | log loss | Brier |\n"
          + "|---|---|---|---|---|---|---|---|\n";

  private static void rows(Entry e, StringBuilder sb) {
    String name = e.dataset().name();
    if (e.outcome().version().isEmpty()) {
      sb.append("| ")
          .append(name)
          .append(" | ")
          .append(e.outcome().skipped() ? "skipped" : "FAILED")
          .append(" | ")
          .append(e.outcome().problem().replace("|", "/"))
          .append(" | | | | | |\n");
      return;
    }
    ModelVersion v = e.outcome().version().get();
    Evaluation m = v.getEvaluation();
    String rows = String.format(Locale.ROOT, "%,d (%,d)", m.getRowCount(), m.getPositiveCount());
    row(sb, name, rows, "**LightGBM**", m);
    if (v.hasBaselineEvaluation()) {
      row(sb, "", "", "logistic baseline", v.getBaselineEvaluation());
    }
    if (v.hasComparison()) {
      ModelComparison c = v.getComparison();
      if (c.hasBaselineDifference()) {
        differenceRow(sb, "LightGBM − baseline", c.getBaselineDifference());
      }
      for (ReferenceEvaluation r : c.getReferenceEvaluationsList()) {
        String rule = "rule: " + r.getDescription();
        if (r.getStatus() == ReferenceStatus.REFERENCE_STATUS_EVALUATED) {
          row(sb, "", "", rule, r.getEvaluation());
        } else {
          sb.append("| | | ")
              .append(rule)
              .append(" | ")
              .append(r.getNote().replace("|", "/"))
              .append(" | | | | |\n");
        }
      }
    }
  }

  /** One line per data set under the table: the verdict and how its intervals were drawn. */
  private static String verdict(ModelVersion v) {
    if (!v.hasComparison()) {
      return "no intervals recorded";
    }
    ModelComparison c = v.getComparison();
    return String.format(
        Locale.ROOT,
        "%s (%,d bootstrap resamples of %,d %s, %.0f%% percentile intervals)",
        c.getVerdict(),
        c.getBootstrapResamples(),
        c.getBootstrapUnitCount(),
        c.getBootstrapUnit() == BootstrapUnit.BOOTSTRAP_UNIT_USER ? "users" : "rows",
        100 * c.getConfidenceLevel());
  }

  private static void row(StringBuilder sb, String name, String rows, String scorer, Evaluation e) {
    MetricIntervals ci = e.hasIntervals() ? e.getIntervals() : MetricIntervals.getDefaultInstance();
    sb.append("| ")
        .append(name)
        .append(" | ")
        .append(rows)
        .append(" | ")
        .append(scorer)
        .append(" | ")
        .append(cell(e.getRocAuc(), ci.hasRocAuc(), ci.getRocAuc()))
        .append(" | ")
        .append(cell(e.getPrAuc(), ci.hasPrAuc(), ci.getPrAuc()))
        .append(" | ")
        .append(cell(e.getF1(), ci.hasF1(), ci.getF1()))
        .append(" | ")
        .append(cell(e.getLogLoss(), ci.hasLogLoss(), ci.getLogLoss()))
        .append(" | ")
        .append(cell(e.getBrier(), ci.hasBrier(), ci.getBrier()))
        .append(" |\n");
  }

  private static void differenceRow(StringBuilder sb, String scorer, MetricIntervals d) {
    sb.append("| | | ").append(scorer);
    for (var ci : List.of(d.getRocAuc(), d.getPrAuc(), d.getF1(), d.getLogLoss(), d.getBrier())) {
      sb.append(" | ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%+.3f [%+.3f, %+.3f]",
                  ci.getEstimate(),
                  ci.getLower(),
                  ci.getUpper()));
    }
    sb.append(" |\n");
  }

  private static String cell(double value, boolean hasInterval, ConfidenceInterval ci) {
    return hasInterval
        ? String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", value, ci.getLower(), ci.getUpper())
        : String.format(Locale.ROOT, "%.3f", value);
  }
}
