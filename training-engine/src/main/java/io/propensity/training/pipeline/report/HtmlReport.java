package io.propensity.training.pipeline.report;

import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.CalibrationBin;
import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.runtime.metrics.IntervalFormat;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.training.pipeline.CalibrationReport;
import io.propensity.training.pipeline.Lineage;
import io.propensity.training.pipeline.ShapSummary;
import io.propensity.training.pipeline.Stage;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.pipeline.comparison.ModelComparison;
import io.propensity.training.pipeline.comparison.RuleResult;
import io.propensity.training.pipeline.data.CategoricalVocabulary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Renders a training run as one self-contained HTML page from the Thymeleaf templates next to this
 * class ({@code report.html} and its fragments): inline CSS and inline SVG charts, no script and
 * nothing fetched from elsewhere, so it can be stored with the model version and opened offline.
 * Every piece of text from the data is escaped by the templates ({@code th:text}, {@code [[…]]}).
 */
public final class HtmlReport {
  private static final int SUMMARY_FEATURES = 15;
  private static final String TEMPLATES = "io/propensity/training/pipeline/report/";
  // control characters other than tab and newline: they have no place in text, and make the page
  // ill-formed as XML
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F]");
  private static final TemplateEngine ENGINE = engine();

  /**
   * A test metric of the model and the baseline; the better of the two is marked. The intervals are
   * "[lower, upper]", empty for a metric without one.
   */
  record MetricRow(
      String name,
      double model,
      double baseline,
      boolean higherIsBetter,
      String modelInterval,
      String baselineInterval) {
    MetricRow(String name, double model, double baseline, boolean higherIsBetter) {
      this(name, model, baseline, higherIsBetter, "", "");
    }

    public boolean modelWins() {
      return comparable() && (higherIsBetter ? model > baseline : model < baseline);
    }

    public boolean baselineWins() {
      return comparable() && (higherIsBetter ? baseline > model : baseline < model);
    }

    private boolean comparable() {
      return !Double.isNaN(model) && !Double.isNaN(baseline);
    }
  }

  /**
   * One reliability bin on the test rows, before and after calibration.
   *
   * @param bin the probability range, e.g. {@code 0.1–0.2}
   */
  record ReliabilityRow(
      String bin,
      long rowsBefore,
      double predictedBefore,
      double observedBefore,
      long rowsAfter,
      double predictedAfter,
      double observedAfter) {}

  /**
   * A scorer (model, baseline or rule) and its metrics with intervals, in {@link #COMPARED} order.
   */
  record ScorerRow(String name, List<String> cells) {}

  /** The model's paired lead over one reference, per metric of {@link #COMPARED}. */
  record DifferenceRow(String reference, List<String> cells, List<Boolean> modelBetter) {}

  /** A rule that was not evaluated, and why. */
  record RuleNote(String title, String note) {}

  /** The model beside the baseline and the rules: intervals, paired differences, verdict. */
  record ComparisonView(
      String verdict,
      boolean beatsBaseline,
      String level,
      String method,
      List<String> metrics,
      List<ScorerRow> scorers,
      List<DifferenceRow> differences,
      List<RuleNote> notEvaluated) {}

  /** The metrics of the comparison table, in column order. */
  static final List<IntervalMetric> COMPARED =
      List.of(
          IntervalMetric.ROC_AUC,
          IntervalMetric.PR_AUC,
          IntervalMetric.F1,
          IntervalMetric.LOG_LOSS,
          IntervalMetric.BRIER);

  /** A row of a two-column table. */
  record Entry(String key, String value) {}

  /** A model feature: its position, name, kind and, for a categorical one, how many values. */
  record FeatureRow(int index, String name, String kind, String categories) {}

  private HtmlReport() {}

  private static TemplateEngine engine() {
    ClassLoaderTemplateResolver resolver =
        new ClassLoaderTemplateResolver(HtmlReport.class.getClassLoader());
    resolver.setPrefix(TEMPLATES);
    resolver.setSuffix(".html");
    resolver.setTemplateMode(TemplateMode.HTML);
    resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
    resolver.setCacheable(true);
    TemplateEngine engine = new TemplateEngine();
    engine.setTemplateResolver(resolver);
    return engine;
  }

  /** The report of {@code r} (its own {@code reportHtml} is ignored). */
  public static String render(TrainingResult r) {
    BinaryEvaluation m = r.modelEvaluation();
    BinaryEvaluation b = r.baselineEvaluation();
    ShapSummary shap = r.shap();
    Context c = new Context(Locale.ROOT);
    c.setVariable("fmt", Format.INSTANCE);
    c.setVariable("r", r);
    c.setVariable("m", m);
    c.setVariable("b", b);
    c.setVariable("metrics", metrics(m, b, r.comparison()));
    c.setVariable("comparison", comparison(r.comparison()));
    c.setVariable("curves", List.of(Charts.roc(m, b), Charts.precisionRecall(m, b)));
    c.setVariable("liftCharts", List.of(Charts.lift(m, b), Charts.gain(m, b)));
    c.setVariable("calibrationChart", Charts.calibration(r.calibration(), b));
    c.setVariable("calibration", r.calibration());
    c.setVariable("calibrated", r.calibration().model().method() != CalibrationMethod.NONE);
    c.setVariable("reliabilityRows", reliabilityRows(r.calibration()));
    c.setVariable(
        "beeswarm",
        ShapBeeswarm.of(
            shap.features().subList(0, Math.min(SUMMARY_FEATURES, shap.features().size()))));
    c.setVariable("dependence", Charts.dependence(shap));
    c.setVariable("tuning", r.tuning().orElse(null));
    c.setVariable("tuningChart", r.tuning().map(Charts::tuning).orElse(null));
    c.setVariable("lineage", lineage(r.lineage(), r));
    c.setVariable("parameters", parameters(r));
    c.setVariable("features", features(r));
    return CONTROL.matcher(ENGINE.process("report", c)).replaceAll(" ");
  }

  private static List<MetricRow> metrics(
      BinaryEvaluation m, BinaryEvaluation b, ModelComparison comparison) {
    return List.of(
        withIntervals("ROC-AUC", m.rocAuc(), b.rocAuc(), IntervalMetric.ROC_AUC, comparison),
        withIntervals(
            "PR-AUC (average precision)", m.prAuc(), b.prAuc(), IntervalMetric.PR_AUC, comparison),
        withIntervals("F1", m.f1(), b.f1(), IntervalMetric.F1, comparison),
        new MetricRow("precision", m.precision(), b.precision(), true),
        new MetricRow("recall", m.recall(), b.recall(), true),
        new MetricRow("accuracy", m.accuracy(), b.accuracy(), true),
        withIntervals("log loss", m.logLoss(), b.logLoss(), IntervalMetric.LOG_LOSS, comparison),
        withIntervals(
            "Brier score", m.brierScore(), b.brierScore(), IntervalMetric.BRIER, comparison),
        new MetricRow(
            "expected calibration error",
            m.expectedCalibrationError(),
            b.expectedCalibrationError(),
            false),
        new MetricRow(
            "top-decile lift", m.deciles().get(0).lift(), b.deciles().get(0).lift(), true));
  }

  private static List<ReliabilityRow> reliabilityRows(CalibrationReport c) {
    List<CalibrationBin> before = c.uncalibrated().bins();
    List<CalibrationBin> after = c.calibrated().bins();
    List<ReliabilityRow> rows = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      CalibrationBin a = after.get(i);
      CalibrationBin u = i < before.size() ? before.get(i) : a;
      rows.add(
          new ReliabilityRow(
              Format.INSTANCE.num(a.lower()) + "–" + Format.INSTANCE.num(a.upper()),
              u.rows(),
              u.meanPredicted(),
              u.observedRate(),
              a.rows(),
              a.meanPredicted(),
              a.observedRate()));
    }
    return List.copyOf(rows);
  }

  private static MetricRow withIntervals(
      String name, double model, double baseline, IntervalMetric metric, ModelComparison c) {
    return new MetricRow(
        name,
        model,
        baseline,
        metric.higherIsBetter(),
        bounds(c.model(metric)),
        bounds(c.baseline(metric)));
  }

  /** "[lower, upper]" of an interval, empty when it has none. */
  private static String bounds(ConfidenceInterval ci) {
    String v = IntervalFormat.value(ci);
    int open = v.indexOf('[');
    return open < 0 ? "" : v.substring(open);
  }

  private static ComparisonView comparison(ModelComparison c) {
    List<ScorerRow> scorers = new ArrayList<>();
    List<DifferenceRow> differences = new ArrayList<>();
    List<RuleNote> notEvaluated = new ArrayList<>();
    scorers.add(scorerRow("LightGBM", ModelComparison.MODEL, c));
    scorers.add(scorerRow("logistic baseline", ModelComparison.BASELINE, c));
    differences.add(differenceRow("logistic baseline", ModelComparison.BASELINE, c));
    for (RuleResult rule : c.rules()) {
      if (rule.evaluated()) {
        scorers.add(scorerRow("rule: " + rule.title(), rule.name(), c));
        differences.add(differenceRow("rule: " + rule.title(), rule.name(), c));
      } else {
        notEvaluated.add(new RuleNote(rule.title(), rule.note()));
      }
    }
    return new ComparisonView(
        c.verdict().text(),
        c.verdict().beatsBaseline(),
        c.bootstrap().settings().levelPercent(),
        c.bootstrap().describe(),
        COMPARED.stream().map(IntervalMetric::label).toList(),
        scorers,
        differences,
        notEvaluated);
  }

  private static ScorerRow scorerRow(String title, String scorer, ModelComparison c) {
    return new ScorerRow(
        title,
        COMPARED.stream()
            .map(m -> IntervalFormat.value(c.bootstrap().interval(scorer, m)))
            .toList());
  }

  private static DifferenceRow differenceRow(String title, String reference, ModelComparison c) {
    List<String> cells = new ArrayList<>();
    List<Boolean> better = new ArrayList<>();
    for (IntervalMetric m : COMPARED) {
      ConfidenceInterval d = c.bootstrap().difference(reference, m);
      cells.add(IntervalFormat.difference(d));
      better.add(d.isDefined() && (m.higherIsBetter() ? d.lower() > 0 : d.upper() < 0));
    }
    return new DifferenceRow("LightGBM − " + title, cells, better);
  }

  private static List<Entry> lineage(Lineage l, TrainingResult r) {
    Format f = Format.INSTANCE;
    List<Entry> rows = new ArrayList<>();
    rows.add(new Entry("source", l.source()));
    rows.add(
        new Entry(
            "rows",
            l.totalRows()
                + " (train "
                + l.trainRows()
                + ", validation "
                + l.validationRows()
                + ", test "
                + l.testRows()
                + ")"));
    rows.add(
        new Entry(
            "positive rate",
            f.pct(l.positiveRate())
                + " overall, "
                + f.pct(l.trainPositiveRate())
                + " train, "
                + f.pct(l.testPositiveRate())
                + " test"));
    rows.add(new Entry("split", f.lower(l.splitMethod())));
    l.firstCutoff().ifPresent(c -> rows.add(new Entry("first cutoff", c.toString())));
    l.lastTrainCutoff()
        .ifPresent(c -> rows.add(new Entry("last train/validation cutoff", c.toString())));
    if (!l.testCutoffs().isEmpty()) {
      rows.add(
          new Entry(
              "test cutoffs",
              l.testCutoffs().size()
                  + ": "
                  + l.testCutoffs().get(0)
                  + " … "
                  + l.testCutoffs().get(l.testCutoffs().size() - 1)));
    }
    rows.add(
        new Entry(
            "imbalance",
            l.imbalance()
                + (l.syntheticRows() > 0
                    ? " (" + l.syntheticRows() + " synthetic rows in the final fit)"
                    : "")));
    rows.add(
        new Entry(
            "final fit", l.refitOnValidation() ? "refitted on train + validation" : "train only"));
    rows.add(new Entry("seed", Long.toString(l.seed())));
    for (String n : l.notes()) {
      rows.add(new Entry("note", n));
    }
    List<String> times = new ArrayList<>();
    for (Map.Entry<Stage, Duration> e : r.timings().entrySet()) {
      times.add(f.lower(e.getKey()) + ' ' + f.seconds(e.getValue()));
    }
    times.add("total " + f.seconds(r.totalTime()));
    rows.add(new Entry("timings", String.join(", ", times)));
    return List.copyOf(rows);
  }

  private static List<Entry> parameters(TrainingResult r) {
    Format f = Format.INSTANCE;
    List<Entry> rows = new ArrayList<>();
    rows.add(new Entry("iterations", Integer.toString(r.iterations())));
    rows.add(
        new Entry(
            "threshold",
            f.num(r.threshold())
                + " (held-out F-"
                + f.num(r.thresholdChoice().beta())
                + " "
                + f.num(r.thresholdChoice().score())
                + ", precision "
                + f.num(r.thresholdChoice().precision())
                + ", recall "
                + f.num(r.thresholdChoice().recall())
                + ")"));
    r.params().forEach((k, v) -> rows.add(new Entry(k, v)));
    return List.copyOf(rows);
  }

  private static List<FeatureRow> features(TrainingResult r) {
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < r.featureNames().size(); i++) {
      String name = r.featureNames().get(i);
      CategoricalVocabulary vocab = r.vocabularies().get(name);
      rows.add(
          new FeatureRow(
              i,
              name,
              Format.INSTANCE.lower(r.featureKinds().get(i)),
              vocab == null ? "" : vocab.values().size() - 1 + " values"));
    }
    return List.copyOf(rows);
  }
}
