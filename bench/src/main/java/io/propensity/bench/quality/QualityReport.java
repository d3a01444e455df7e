package io.propensity.bench.quality;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.ModelVersion;

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
                    + " cutoffs for logs; a fixed split column for tables).%n%n",
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
          .append("**, the same file and split (`")
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
    row(sb, name, rows, "LightGBM", m);
    if (v.hasBaselineEvaluation()) {
      row(sb, "", "", "logistic baseline", v.getBaselineEvaluation());
    }
  }

  private static void row(StringBuilder sb, String name, String rows, String scorer, Evaluation e) {
    sb.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %.3f | %.3f | %.3f | %.4f | %.4f |%n",
            name,
            rows,
            scorer,
            e.getRocAuc(),
            e.getPrAuc(),
            e.getF1(),
            e.getLogLoss(),
            e.getBrier()));
  }
}
