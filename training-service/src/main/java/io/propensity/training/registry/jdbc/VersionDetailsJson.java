package io.propensity.training.registry.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.propensity.engine.features.FeatureType;
import io.propensity.engine.labels.Target;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.calibration.CalibrationFit;
import io.propensity.runtime.explain.FeatureImportance;
import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.training.registry.CorruptRecordException;
import io.propensity.training.registry.Metric;
import io.propensity.training.registry.VersionDetails;
import io.propensity.training.registry.VersionDetails.BootstrapUnit;
import io.propensity.training.registry.VersionDetails.CalibrationBin;
import io.propensity.training.registry.VersionDetails.Comparison;
import io.propensity.training.registry.VersionDetails.ConfusionMatrix;
import io.propensity.training.registry.VersionDetails.Cutoffs;
import io.propensity.training.registry.VersionDetails.DecileLift;
import io.propensity.training.registry.VersionDetails.Evaluation;
import io.propensity.training.registry.VersionDetails.ExplicitCutoffs;
import io.propensity.training.registry.VersionDetails.FeatureDefinition;
import io.propensity.training.registry.VersionDetails.FeatureSource;
import io.propensity.training.registry.VersionDetails.GoldenRow;
import io.propensity.training.registry.VersionDetails.Lineage;
import io.propensity.training.registry.VersionDetails.LineageSource;
import io.propensity.training.registry.VersionDetails.MissingValues;
import io.propensity.training.registry.VersionDetails.PrPoint;
import io.propensity.training.registry.VersionDetails.ReferenceEvaluation;
import io.propensity.training.registry.VersionDetails.ReferenceStatus;
import io.propensity.training.registry.VersionDetails.ReliabilityFigures;
import io.propensity.training.registry.VersionDetails.RocPoint;
import io.propensity.training.registry.VersionDetails.RollingCutoffs;
import io.propensity.training.registry.VersionDetails.TabularFile;
import io.propensity.training.registry.VersionDetails.TrainingSet;
import io.propensity.training.registry.VersionDetails.TuningTrial;
import io.propensity.training.registry.VersionDetails.WindowKind;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The stored form of {@link VersionDetails}: a JSON document with a {@code schema_version}, written
 * and read field by field (names in snake_case, enums by their domain names, times and durations in
 * ISO-8601, non-finite numbers as the strings {@code NaN}, {@code Infinity}, {@code -Infinity}), so
 * neither the registry.v1 contract nor a renamed Java field changes what is on disk. A change of
 * this form raises {@link #SCHEMA_VERSION} and brings a migration of the stored rows.
 *
 * <p>Fields added after a schema version was first written are optional (older rows lack them), so
 * adding one raises nothing: the bootstrap {@code comparison} and an evaluation's {@code intervals}
 * are such fields.
 *
 * <p>Reading is strict: a document that is not JSON, has another schema version, lacks a required
 * field or holds a value of the wrong type is a {@link CorruptRecordException} naming the field,
 * never a default. Unknown fields are ignored.
 *
 * <p>Fields added to schema version 1 after its first rows were written are optional, with the
 * value the older rows meant: {@code calibration} (absent: none), and in an evaluation {@code
 * expected_calibration_error} (absent: computed from its {@code calibration_bins}) and {@code
 * uncalibrated} (absent: none). They are still strict when present. So are {@code feature_source}
 * and a feature's {@code missing_values} (absent: not said; the registry reads a version without a
 * source by its schema hash, see {@link VersionDetails#withSourceResolved}).
 */
public final class VersionDetailsJson {
  /** Version of the stored form this code writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private VersionDetailsJson() {}

  /** The stored form of {@code details}. */
  public static String write(VersionDetails details) {
    ObjectNode o = JSON.createObjectNode();
    o.put("schema_version", SCHEMA_VERSION);
    o.put("description", details.description());
    details.trainingJobId().ifPresent(id -> o.put("training_job_id", id));
    details.evaluation().ifPresent(e -> o.set("evaluation", evaluation(e)));
    details.baselineEvaluation().ifPresent(e -> o.set("baseline_evaluation", evaluation(e)));
    o.set("params", strings(details.params()));
    o.set("features", array(details.features(), VersionDetailsJson::feature));
    details.lineage().ifPresent(l -> o.set("lineage", lineage(l)));
    o.set("golden_rows", array(details.goldenRows(), VersionDetailsJson::goldenRow));
    o.set(
        "feature_importances",
        array(details.featureImportances(), VersionDetailsJson::featureImportance));
    o.set("tuning_trials", array(details.tuningTrials(), VersionDetailsJson::tuningTrial));
    details.comparison().ifPresent(c -> o.set("comparison", comparison(c)));
    if (!details.calibration().equals(CalibrationFit.none())) {
      o.set("calibration", calibration(details.calibration()));
    }
    details.featureSource().ifPresent(f -> o.put("feature_source", f.name()));
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /**
   * The details stored as {@code json}.
   *
   * @param what the record, for messages (e.g. {@code version 3 of model 'churn'})
   * @throws CorruptRecordException when {@code json} is not details this code can read
   */
  public static VersionDetails read(String json, String what) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CorruptRecordException(
          "the stored details of " + what + " are not JSON: " + e.getOriginalMessage(), e);
    }
    try {
      In in = new In(root, "");
      long schema = in.int64("schema_version");
      if (schema != SCHEMA_VERSION) {
        throw new Malformed(
            "schema_version",
            schema + " is not the version this registry reads (" + SCHEMA_VERSION + ")");
      }
      return new VersionDetails(
          in.text("description"),
          in.optionalText("training_job_id"),
          in.optional("evaluation", VersionDetailsJson::evaluation),
          in.optional("baseline_evaluation", VersionDetailsJson::evaluation),
          in.strings("params"),
          in.list("features", VersionDetailsJson::feature),
          in.optional("lineage", VersionDetailsJson::lineage),
          in.list("golden_rows", VersionDetailsJson::goldenRow),
          in.list("feature_importances", VersionDetailsJson::featureImportance),
          in.list("tuning_trials", VersionDetailsJson::tuningTrial),
          in.optional("comparison", VersionDetailsJson::comparison),
          in.optional("calibration", VersionDetailsJson::calibration).orElse(CalibrationFit.none()),
          in.optionalEnum("feature_source", FeatureSource.class));
    } catch (Malformed e) {
      throw new CorruptRecordException(
          "the stored details of " + what + " are unreadable: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // evaluation

  private static ObjectNode evaluation(Evaluation e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model_kind", e.modelKind());
    o.put("row_count", e.rowCount());
    o.put("positive_count", e.positiveCount());
    number(o, "threshold", e.threshold());
    number(o, "f1", e.f1());
    number(o, "precision", e.precision());
    number(o, "recall", e.recall());
    e.confusionMatrix()
        .ifPresent(
            m -> {
              ObjectNode c = o.putObject("confusion_matrix");
              c.put("true_positives", m.truePositives());
              c.put("false_positives", m.falsePositives());
              c.put("true_negatives", m.trueNegatives());
              c.put("false_negatives", m.falseNegatives());
            });
    number(o, "roc_auc", e.rocAuc());
    number(o, "pr_auc", e.prAuc());
    number(o, "log_loss", e.logLoss());
    number(o, "brier", e.brier());
    o.set(
        "deciles",
        array(
            e.deciles(),
            d -> {
              ObjectNode n = JSON.createObjectNode();
              n.put("decile", d.decile());
              n.put("row_count", d.rowCount());
              n.put("positive_count", d.positiveCount());
              number(n, "min_probability", d.minProbability());
              number(n, "positive_rate", d.positiveRate());
              number(n, "lift", d.lift());
              number(n, "cumulative_gain", d.cumulativeGain());
              number(n, "cumulative_lift", d.cumulativeLift());
              return n;
            }));
    o.set("calibration_bins", calibrationBins(e.calibrationBins()));
    o.set(
        "roc_curve",
        array(
            e.rocCurve(),
            p -> {
              ObjectNode n = JSON.createObjectNode();
              number(n, "threshold", p.threshold());
              number(n, "false_positive_rate", p.falsePositiveRate());
              number(n, "true_positive_rate", p.truePositiveRate());
              return n;
            }));
    o.set(
        "pr_curve",
        array(
            e.prCurve(),
            p -> {
              ObjectNode n = JSON.createObjectNode();
              number(n, "threshold", p.threshold());
              number(n, "recall", p.recall());
              number(n, "precision", p.precision());
              return n;
            }));
    if (!e.intervals().isEmpty()) {
      o.set("intervals", intervals(e.intervals()));
    }
    number(o, "expected_calibration_error", e.expectedCalibrationError());
    e.uncalibrated()
        .ifPresent(
            u -> {
              ObjectNode n = o.putObject("uncalibrated");
              number(n, "brier", u.brier());
              number(n, "log_loss", u.logLoss());
              number(n, "expected_calibration_error", u.expectedCalibrationError());
              n.set("calibration_bins", calibrationBins(u.calibrationBins()));
            });
    return o;
  }

  private static ArrayNode calibrationBins(List<CalibrationBin> bins) {
    return array(
        bins,
        b -> {
          ObjectNode n = JSON.createObjectNode();
          number(n, "lower_bound", b.lowerBound());
          number(n, "upper_bound", b.upperBound());
          n.put("row_count", b.rowCount());
          number(n, "mean_predicted_probability", b.meanPredictedProbability());
          number(n, "observed_positive_rate", b.observedPositiveRate());
          return n;
        });
  }

  private static CalibrationBin calibrationBin(In b) {
    return new CalibrationBin(
        b.number("lower_bound"),
        b.number("upper_bound"),
        b.int64("row_count"),
        b.number("mean_predicted_probability"),
        b.number("observed_positive_rate"));
  }

  private static Evaluation evaluation(In in) {
    List<CalibrationBin> bins = in.list("calibration_bins", VersionDetailsJson::calibrationBin);
    return new Evaluation(
        in.text("model_kind"),
        in.int64("row_count"),
        in.int64("positive_count"),
        in.number("threshold"),
        in.number("f1"),
        in.number("precision"),
        in.number("recall"),
        in.optional(
            "confusion_matrix",
            c ->
                new ConfusionMatrix(
                    c.int64("true_positives"),
                    c.int64("false_positives"),
                    c.int64("true_negatives"),
                    c.int64("false_negatives"))),
        in.number("roc_auc"),
        in.number("pr_auc"),
        in.number("log_loss"),
        in.number("brier"),
        in.list(
            "deciles",
            d ->
                new DecileLift(
                    d.int32("decile"),
                    d.int64("row_count"),
                    d.int64("positive_count"),
                    d.number("min_probability"),
                    d.number("positive_rate"),
                    d.number("lift"),
                    d.number("cumulative_gain"),
                    d.number("cumulative_lift"))),
        bins,
        in.list(
            "roc_curve",
            p ->
                new RocPoint(
                    p.number("threshold"),
                    p.number("false_positive_rate"),
                    p.number("true_positive_rate"))),
        in.list(
            "pr_curve",
            p -> new PrPoint(p.number("threshold"), p.number("recall"), p.number("precision"))),
        in.optional("intervals", VersionDetailsJson::intervals).orElse(Map.of()),
        in.optionalNumber("expected_calibration_error")
            .orElseGet(() -> Evaluation.expectedCalibrationError(bins)),
        in.optional(
            "uncalibrated",
            u ->
                new ReliabilityFigures(
                    u.number("brier"),
                    u.number("log_loss"),
                    u.number("expected_calibration_error"),
                    u.list("calibration_bins", VersionDetailsJson::calibrationBin))));
  }

  // ---------------------------------------------------------------------------------------------
  // confidence intervals and the comparison with the baseline and rules

  private static ObjectNode intervals(Map<Metric, ConfidenceInterval> intervals) {
    ObjectNode o = JSON.createObjectNode();
    intervals.forEach(
        (metric, ci) -> {
          ObjectNode n = o.putObject(metric.name());
          number(n, "estimate", ci.estimate());
          number(n, "lower", ci.lower());
          number(n, "upper", ci.upper());
        });
    return o;
  }

  private static Map<Metric, ConfidenceInterval> intervals(In in) {
    Map<Metric, ConfidenceInterval> out = new EnumMap<>(Metric.class);
    for (Iterator<String> it = in.node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      Metric metric;
      try {
        metric = Metric.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new Malformed(in.path(name), "'" + name + "' is not a Metric name");
      }
      In ci = in.optional(name, x -> x).orElseThrow(() -> new Malformed(in.path(name), "is null"));
      double lower = ci.number("lower");
      double upper = ci.number("upper");
      if (lower > upper) {
        throw new Malformed(in.path(name), "lower " + lower + " is above upper " + upper);
      }
      out.put(metric, new ConfidenceInterval(ci.number("estimate"), lower, upper));
    }
    return out;
  }

  private static ObjectNode comparison(Comparison c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("resamples", c.resamples());
    number(o, "level", c.level());
    o.put("seed", c.seed());
    o.put("unit", c.unit().name());
    o.put("unit_count", c.unitCount());
    o.set("baseline_difference", intervals(c.baselineDifference()));
    o.put("beats_baseline_on_roc_auc", c.beatsBaselineOnRocAuc());
    o.put("beats_baseline_on_pr_auc", c.beatsBaselineOnPrAuc());
    o.put("verdict", c.verdict());
    o.set(
        "references",
        array(
            c.references(),
            r -> {
              ObjectNode n = JSON.createObjectNode();
              n.put("name", r.name());
              n.put("description", r.description());
              n.put("status", r.status().name());
              n.put("note", r.note());
              r.evaluation().ifPresent(e -> n.set("evaluation", evaluation(e)));
              n.set("model_difference", intervals(r.modelDifference()));
              return n;
            }));
    return o;
  }

  private static Comparison comparison(In in) {
    return new Comparison(
        in.int32("resamples"),
        in.number("level"),
        in.int64("seed"),
        in.requiredEnum("unit", BootstrapUnit.class),
        in.int64("unit_count"),
        in.optional("baseline_difference", VersionDetailsJson::intervals).orElse(Map.of()),
        in.bool("beats_baseline_on_roc_auc"),
        in.bool("beats_baseline_on_pr_auc"),
        in.text("verdict"),
        in.list(
            "references",
            r ->
                new ReferenceEvaluation(
                    r.text("name"),
                    r.text("description"),
                    r.requiredEnum("status", ReferenceStatus.class),
                    r.text("note"),
                    r.optional("evaluation", VersionDetailsJson::evaluation),
                    r.optional("model_difference", VersionDetailsJson::intervals)
                        .orElse(Map.of()))));
  }

  // ---------------------------------------------------------------------------------------------
  // calibration

  private static ObjectNode calibration(CalibrationFit fit) {
    ObjectNode o = JSON.createObjectNode();
    Calibration c = fit.calibration();
    o.put("method", c.method().name());
    if (c instanceof Calibration.Platt platt) {
      number(o, "slope", platt.slope());
      number(o, "intercept", platt.intercept());
    } else if (c instanceof Calibration.Isotonic isotonic) {
      ArrayNode points = o.putArray("points");
      double[] raw = isotonic.rawScores();
      double[] probability = isotonic.probabilities();
      for (int i = 0; i < raw.length; i++) {
        ObjectNode n = points.addObject();
        number(n, "raw_score", raw[i]);
        number(n, "probability", probability[i]);
      }
    }
    o.put("validation_row_count", fit.rows());
    o.put("validation_positive_count", fit.positives());
    o.put("reason", fit.reason());
    return o;
  }

  private static CalibrationFit calibration(In in) {
    String method = in.text("method");
    Calibration c;
    try {
      c =
          switch (method) {
            case "NONE" -> Calibration.none();
            case "PLATT" -> Calibration.platt(in.number("slope"), in.number("intercept"));
            case "ISOTONIC" -> {
              List<double[]> points =
                  in.list(
                      "points", p -> new double[] {p.number("raw_score"), p.number("probability")});
              yield Calibration.isotonic(
                  points.stream().mapToDouble(p -> p[0]).toArray(),
                  points.stream().mapToDouble(p -> p[1]).toArray());
            }
            default ->
                throw new Malformed(
                    in.path("method"), "'" + method + "' is not NONE, PLATT or ISOTONIC");
          };
      return new CalibrationFit(
          c,
          in.text("reason"),
          in.int64("validation_row_count"),
          in.int64("validation_positive_count"));
    } catch (IllegalArgumentException e) {
      throw new Malformed(in.path, e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // features, rows, importances, trials

  private static ObjectNode feature(FeatureDefinition f) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", f.name());
    f.type().ifPresent(t -> o.put("type", t.name()));
    o.put("description", f.description());
    f.windowKind().ifPresent(k -> o.put("window_kind", k.name()));
    f.window().ifPresent(w -> o.put("window", w.toString()));
    o.set("categories", array(f.categories(), JSON.getNodeFactory()::textNode));
    f.missingValues().ifPresent(m -> o.put("missing_values", m.name()));
    return o;
  }

  private static FeatureDefinition feature(In in) {
    return new FeatureDefinition(
        in.text("name"),
        in.optionalEnum("type", FeatureType.class),
        in.text("description"),
        in.optionalEnum("window_kind", WindowKind.class),
        in.optionalDuration("window"),
        in.list("categories", In::asText),
        in.optionalEnum("missing_values", MissingValues.class));
  }

  private static ObjectNode goldenRow(GoldenRow g) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode values = o.putArray("values");
    for (double v : g.values()) {
      values.add(numberNode(v));
    }
    number(o, "expected_probability", g.expectedProbability());
    g.userId().ifPresent(u -> o.put("user_id", u));
    g.cutoff().ifPresent(c -> o.put("cutoff", c.toString()));
    return o;
  }

  private static GoldenRow goldenRow(In in) {
    return new GoldenRow(
        in.list("values", In::asNumber),
        in.number("expected_probability"),
        in.optionalText("user_id"),
        in.optionalInstant("cutoff"));
  }

  private static ObjectNode featureImportance(FeatureImportance f) {
    ObjectNode o = JSON.createObjectNode();
    o.put("feature", f.feature());
    number(o, "mean_abs_shap", f.meanAbsShap());
    return o;
  }

  private static FeatureImportance featureImportance(In in) {
    return new FeatureImportance(in.text("feature"), in.number("mean_abs_shap"));
  }

  private static ObjectNode tuningTrial(TuningTrial t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("trial", t.trial());
    o.set("params", strings(t.params()));
    t.metric().ifPresent(m -> o.put("metric", m.name()));
    number(o, "cv_metric_mean", t.cvMetricMean());
    number(o, "cv_metric_stddev", t.cvMetricStddev());
    t.duration().ifPresent(d -> o.put("duration", d.toString()));
    o.put("best", t.best());
    return o;
  }

  private static TuningTrial tuningTrial(In in) {
    return new TuningTrial(
        in.int32("trial"),
        in.strings("params"),
        in.optionalEnum("metric", Metric.class),
        in.number("cv_metric_mean"),
        in.number("cv_metric_stddev"),
        in.optionalDuration("duration"),
        in.bool("best"));
  }

  // ---------------------------------------------------------------------------------------------
  // lineage

  private static ObjectNode lineage(Lineage l) {
    ObjectNode o = JSON.createObjectNode();
    l.source().ifPresent(s -> o.set("source", source(s)));
    l.target().ifPresent(t -> o.put("target", t.name()));
    l.horizon().ifPresent(h -> o.put("horizon", h.toString()));
    o.set("cutoffs", array(l.cutoffs(), c -> JSON.getNodeFactory().textNode(c.toString())));
    o.put("train_row_count", l.trainRowCount());
    o.put("validation_row_count", l.validationRowCount());
    o.put("test_row_count", l.testRowCount());
    number(o, "positive_rate", l.positiveRate());
    o.put("seed", l.seed());
    if (!l.notes().isEmpty()) {
      o.set("notes", array(l.notes(), n -> JSON.getNodeFactory().textNode(n)));
    }
    return o;
  }

  private static Lineage lineage(In in) {
    return new Lineage(
        in.optional("source", VersionDetailsJson::source),
        in.optionalEnum("target", Target.class),
        in.optionalDuration("horizon"),
        in.list("cutoffs", In::asInstant),
        in.int64("train_row_count"),
        in.int64("validation_row_count"),
        in.int64("test_row_count"),
        in.number("positive_rate"),
        in.int64("seed"),
        // optional: documents written before notes were recorded have none
        in.present("notes").isPresent() ? in.list("notes", In::asText) : List.of());
  }

  private static ObjectNode source(LineageSource s) {
    ObjectNode o = JSON.createObjectNode();
    if (s instanceof TrainingSet t) {
      o.put("kind", "training_set");
      t.target().ifPresent(v -> o.put("target", v.name()));
      t.horizon().ifPresent(h -> o.put("horizon", h.toString()));
      t.cutoffs().ifPresent(c -> o.set("cutoffs", cutoffs(c)));
      o.set("user_ids", array(t.userIds(), JSON.getNodeFactory()::textNode));
      o.put("sample_limit", t.sampleLimit());
      o.put("seed", t.seed());
    } else if (s instanceof TabularFile f) {
      o.put("kind", "tabular_file");
      o.put("path", f.path());
      o.put("sha256", f.sha256());
      o.put("label_column", f.labelColumn());
    }
    return o;
  }

  private static LineageSource source(In in) {
    String kind = in.text("kind");
    return switch (kind) {
      case "training_set" ->
          new TrainingSet(
              in.optionalEnum("target", Target.class),
              in.optionalDuration("horizon"),
              in.optional("cutoffs", VersionDetailsJson::cutoffs),
              in.list("user_ids", In::asText),
              in.int64("sample_limit"),
              in.int64("seed"));
      case "tabular_file" ->
          new TabularFile(in.text("path"), in.text("sha256"), in.text("label_column"));
      default ->
          throw new Malformed(
              in.path("kind"), "'" + kind + "' is not training_set or tabular_file");
    };
  }

  private static ObjectNode cutoffs(Cutoffs c) {
    ObjectNode o = JSON.createObjectNode();
    if (c instanceof ExplicitCutoffs e) {
      o.put("kind", "explicit");
      o.set("at", array(e.cutoffs(), t -> JSON.getNodeFactory().textNode(t.toString())));
    } else if (c instanceof RollingCutoffs r) {
      o.put("kind", "rolling");
      o.put("start", r.start().toString());
      o.put("end", r.end().toString());
      o.put("step", r.step().toString());
    }
    return o;
  }

  private static Cutoffs cutoffs(In in) {
    String kind = in.text("kind");
    return switch (kind) {
      case "explicit" -> new ExplicitCutoffs(in.list("at", In::asInstant));
      case "rolling" ->
          new RollingCutoffs(in.instant("start"), in.instant("end"), in.duration("step"));
      default -> throw new Malformed(in.path("kind"), "'" + kind + "' is not explicit or rolling");
    };
  }

  // ---------------------------------------------------------------------------------------------
  // writing

  private static <T> ArrayNode array(List<T> items, Function<T, JsonNode> node) {
    ArrayNode a = JSON.createArrayNode();
    for (T item : items) {
      a.add(node.apply(item));
    }
    return a;
  }

  private static ObjectNode strings(Map<String, String> map) {
    ObjectNode o = JSON.createObjectNode();
    new TreeMap<>(map).forEach(o::put);
    return o;
  }

  private static void number(ObjectNode o, String field, double value) {
    o.set(field, numberNode(value));
  }

  /** A number; JSON has no NaN or infinities, so those are the strings Java parses back. */
  private static JsonNode numberNode(double value) {
    return Double.isFinite(value)
        ? JSON.getNodeFactory().numberNode(value)
        : JSON.getNodeFactory().textNode(Double.toString(value));
  }

  // ---------------------------------------------------------------------------------------------
  // reading

  /** A field of the document that is missing or has the wrong type; named by its path. */
  private static final class Malformed extends RuntimeException {
    Malformed(String path, String problem) {
      super(path + ": " + problem);
    }
  }

  /** A JSON node and where it sits in the document, with typed, strict accessors. */
  private record In(JsonNode node, String path) {
    String path(String field) {
      return path.isEmpty() ? field : path + "." + field;
    }

    private JsonNode required(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        throw new Malformed(path(field), "is missing");
      }
      return v;
    }

    private Optional<In> present(String field) {
      JsonNode v = node.get(field);
      return v == null || v.isNull() ? Optional.empty() : Optional.of(new In(v, path(field)));
    }

    String text(String field) {
      return new In(required(field), path(field)).asText();
    }

    Optional<String> optionalText(String field) {
      return present(field).map(In::asText);
    }

    long int64(String field) {
      JsonNode v = required(field);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw new Malformed(path(field), v + " is not a whole number");
      }
      return v.longValue();
    }

    int int32(String field) {
      JsonNode v = required(field);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new Malformed(path(field), v + " is not a 32-bit whole number");
      }
      return v.intValue();
    }

    double number(String field) {
      return new In(required(field), path(field)).asNumber();
    }

    Optional<Double> optionalNumber(String field) {
      return present(field).map(In::asNumber);
    }

    boolean bool(String field) {
      JsonNode v = required(field);
      if (!v.isBoolean()) {
        throw new Malformed(path(field), v + " is not true or false");
      }
      return v.booleanValue();
    }

    Instant instant(String field) {
      return new In(required(field), path(field)).asInstant();
    }

    Optional<Instant> optionalInstant(String field) {
      return present(field).map(In::asInstant);
    }

    Duration duration(String field) {
      return new In(required(field), path(field)).asDuration();
    }

    Optional<Duration> optionalDuration(String field) {
      return present(field).map(In::asDuration);
    }

    <E extends Enum<E>> Optional<E> optionalEnum(String field, Class<E> type) {
      return present(field)
          .map(
              in -> {
                String name = in.asText();
                try {
                  return Enum.valueOf(type, name);
                } catch (IllegalArgumentException e) {
                  throw new Malformed(
                      in.path, "'" + name + "' is not a " + type.getSimpleName() + " name");
                }
              });
    }

    <E extends Enum<E>> E requiredEnum(String field, Class<E> type) {
      required(field);
      return optionalEnum(field, type).orElseThrow();
    }

    <T> Optional<T> optional(String field, Function<In, T> read) {
      return present(field).map(in -> read.apply(in.object()));
    }

    <T> List<T> list(String field, Function<In, T> read) {
      JsonNode v = required(field);
      if (!v.isArray()) {
        throw new Malformed(path(field), "is not a list");
      }
      List<T> out = new ArrayList<>(v.size());
      for (int i = 0; i < v.size(); i++) {
        out.add(read.apply(new In(v.get(i), path(field) + "[" + i + "]")));
      }
      return out;
    }

    Map<String, String> strings(String field) {
      In map = new In(required(field), path(field)).object();
      Map<String, String> out = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = map.node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), new In(e.getValue(), map.path(e.getKey())).asText());
      }
      return out;
    }

    In object() {
      if (!node.isObject()) {
        throw new Malformed(path, "is not an object");
      }
      return this;
    }

    String asText() {
      if (!node.isTextual()) {
        throw new Malformed(path, node + " is not a string");
      }
      return node.textValue();
    }

    double asNumber() {
      if (node.isNumber()) {
        return node.doubleValue();
      }
      if (node.isTextual()) {
        switch (node.textValue()) {
          case "NaN":
            return Double.NaN;
          case "Infinity":
            return Double.POSITIVE_INFINITY;
          case "-Infinity":
            return Double.NEGATIVE_INFINITY;
          default:
            break;
        }
      }
      throw new Malformed(path, node + " is not a number");
    }

    Instant asInstant() {
      try {
        return Instant.parse(asText());
      } catch (DateTimeParseException e) {
        throw new Malformed(path, "'" + node.textValue() + "' is not an ISO-8601 instant");
      }
    }

    Duration asDuration() {
      try {
        return Duration.parse(asText());
      } catch (DateTimeParseException e) {
        throw new Malformed(path, "'" + node.textValue() + "' is not an ISO-8601 duration");
      }
    }
  }
}
