package io.propensity.training.registry;

import io.propensity.engine.features.FeatureType;
import io.propensity.engine.labels.Target;
import io.propensity.runtime.calibration.CalibrationFit;
import io.propensity.runtime.explain.FeatureImportance;
import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.runtime.metrics.Reliability;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a model version says about how it was made and how good it is, beyond the fields the
 * registry queries and compares: the registering caller supplies it, the registry stores it as it
 * is and returns it unchanged. The feature schema's hash, the threshold, the artifact format and
 * the checksums are fields of the version itself, not repeated here.
 *
 * @param description free text, empty for none
 * @param trainingJobId the training job that produced the version, when one did
 * @param evaluation the model's evaluation on the held-out test rows
 * @param baselineEvaluation the baseline's evaluation on the same rows
 * @param params the model's parameters, names to values in text form
 * @param features the definitions of the model's input features, in vector order
 * @param lineage where the training rows came from and how they were split
 * @param goldenRows test rows with the probabilities the model gave them, to check a loaded model
 * @param featureImportances mean |SHAP| per feature, most important first
 * @param tuningTrials the hyperparameter search's trials, in order
 * @param comparison bootstrap intervals, the model's paired lead over its baseline, the verdict and
 *     the naive rules; empty for versions registered before intervals were computed
 * @param calibration how the artifact's raw score becomes the probability served, fitted on
 *     held-out scores; {@link CalibrationFit#none()} for a version without one
 * @param featureSource where the values of {@code features} come from; empty when the caller did
 *     not say, and then the registry decides by the schema hash ({@link #withSourceResolved})
 */
public record VersionDetails(
    String description,
    Optional<String> trainingJobId,
    Optional<Evaluation> evaluation,
    Optional<Evaluation> baselineEvaluation,
    Map<String, String> params,
    List<FeatureDefinition> features,
    Optional<Lineage> lineage,
    List<GoldenRow> goldenRows,
    List<FeatureImportance> featureImportances,
    List<TuningTrial> tuningTrials,
    Optional<Comparison> comparison,
    CalibrationFit calibration,
    Optional<FeatureSource> featureSource) {

  /** Details that say nothing. */
  public static final VersionDetails EMPTY =
      new VersionDetails(
          "",
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Map.of(),
          List.of(),
          Optional.empty(),
          List.of(),
          List.of(),
          List.of(),
          Optional.empty(),
          CalibrationFit.none(),
          Optional.empty());

  public VersionDetails {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(trainingJobId, "trainingJobId");
    Objects.requireNonNull(evaluation, "evaluation");
    Objects.requireNonNull(baselineEvaluation, "baselineEvaluation");
    Objects.requireNonNull(lineage, "lineage");
    params = Map.copyOf(params);
    features = List.copyOf(features);
    goldenRows = List.copyOf(goldenRows);
    featureImportances = List.copyOf(featureImportances);
    tuningTrials = List.copyOf(tuningTrials);
    Objects.requireNonNull(comparison, "comparison");
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(featureSource, "featureSource");
  }

  /** These details with {@code c} as their comparison. */
  public VersionDetails withComparison(Optional<Comparison> c) {
    return copy(features, c, featureSource);
  }

  /**
   * These details with their feature source said: kept when present, else {@link
   * FeatureSource#ENGINE} when {@code featureSchemaHash} is feature-engine's ({@code engineHash})
   * and {@link FeatureSource#PROVIDED} otherwise (the rule for versions registered before the
   * source was recorded, and for uploads, whose source is the registry's to say). The features of a
   * PROVIDED schema take missing values natively ({@link MissingValues#NATIVE}), as LightGBM was
   * trained on them.
   */
  public VersionDetails withSourceResolved(String featureSchemaHash, String engineHash) {
    FeatureSource source =
        featureSource.orElse(
            featureSchemaHash.equals(engineHash) ? FeatureSource.ENGINE : FeatureSource.PROVIDED);
    List<FeatureDefinition> resolved =
        source == FeatureSource.PROVIDED
            ? features.stream()
                .map(
                    f ->
                        f.missingValues().isPresent()
                            ? f
                            : f.withMissingValues(MissingValues.NATIVE))
                .toList()
            : features;
    return copy(resolved, comparison, Optional.of(source));
  }

  /** These details with the features, comparison and source given, the rest kept. */
  private VersionDetails copy(
      List<FeatureDefinition> f, Optional<Comparison> c, Optional<FeatureSource> source) {
    return new VersionDetails(
        description,
        trainingJobId,
        evaluation,
        baselineEvaluation,
        params,
        f,
        lineage,
        goldenRows,
        featureImportances,
        tuningTrials,
        c,
        calibration,
        source);
  }

  /**
   * The intervals of a bootstrap that are defined (finite bounds and estimate), by the registry's
   * metric of the same name.
   */
  public static Map<Metric, ConfidenceInterval> definedIntervals(
      Map<IntervalMetric, ConfidenceInterval> intervals) {
    Map<Metric, ConfidenceInterval> out = new EnumMap<>(Metric.class);
    intervals.forEach(
        (m, ci) -> {
          if (ci.isDefined() && Double.isFinite(ci.estimate())) {
            out.put(Metric.valueOf(m.name()), ci);
          }
        });
    return copyOfIntervals(out);
  }

  /** An immutable copy of intervals by metric, in metric order. */
  static Map<Metric, ConfidenceInterval> copyOfIntervals(Map<Metric, ConfidenceInterval> m) {
    return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(m));
  }

  /**
   * How well a model did on a set of rows, at its decision threshold and over all thresholds.
   *
   * @param modelKind what was evaluated, e.g. {@code lightgbm} or {@code baseline}
   * @param rowCount rows evaluated
   * @param positiveCount rows with a positive label
   * @param threshold decision threshold on the probability
   * @param confusionMatrix the decisions at {@code threshold} against the labels
   * @param deciles lift and gain by decile of predicted probability, highest first
   * @param calibrationBins predicted against observed positive rate, by probability bin
   * @param rocCurve ROC points by decreasing threshold
   * @param prCurve precision-recall points by decreasing threshold
   * @param intervals bootstrap confidence intervals of the metrics that have one (ROC-AUC, PR-AUC,
   *     F1, log loss, Brier); empty when none were computed
   * @param expectedCalibrationError the rows-weighted mean |predicted − observed| of the bins
   * @param uncalibrated the same rows' reliability without the version's calibration, when it has
   *     one
   */
  public record Evaluation(
      String modelKind,
      long rowCount,
      long positiveCount,
      double threshold,
      double f1,
      double precision,
      double recall,
      Optional<ConfusionMatrix> confusionMatrix,
      double rocAuc,
      double prAuc,
      double logLoss,
      double brier,
      List<DecileLift> deciles,
      List<CalibrationBin> calibrationBins,
      List<RocPoint> rocCurve,
      List<PrPoint> prCurve,
      Map<Metric, ConfidenceInterval> intervals,
      double expectedCalibrationError,
      Optional<ReliabilityFigures> uncalibrated) {
    public Evaluation {
      Objects.requireNonNull(modelKind, "modelKind");
      Objects.requireNonNull(confusionMatrix, "confusionMatrix");
      deciles = List.copyOf(deciles);
      calibrationBins = List.copyOf(calibrationBins);
      rocCurve = List.copyOf(rocCurve);
      prCurve = List.copyOf(prCurve);
      intervals = copyOfIntervals(intervals);
      Objects.requireNonNull(uncalibrated, "uncalibrated");
    }

    /** The expected calibration error of reliability bins; NaN when they hold no row. */
    public static double expectedCalibrationError(List<CalibrationBin> bins) {
      return Reliability.expectedCalibrationError(
          bins.stream()
              .map(
                  b ->
                      new io.propensity.runtime.metrics.CalibrationBin(
                          b.lowerBound(),
                          b.upperBound(),
                          b.rowCount(),
                          b.meanPredictedProbability(),
                          b.observedPositiveRate()))
              .toList());
    }
  }

  /**
   * How well probabilities match observed rates on a set of rows.
   *
   * @param brier mean squared difference between probability and label
   * @param logLoss mean binary cross-entropy
   * @param expectedCalibrationError the rows-weighted mean |predicted − observed| of the bins
   * @param calibrationBins predicted against observed positive rate, by probability bin
   */
  public record ReliabilityFigures(
      double brier,
      double logLoss,
      double expectedCalibrationError,
      List<CalibrationBin> calibrationBins) {
    public ReliabilityFigures {
      calibrationBins = List.copyOf(calibrationBins);
    }
  }

  /**
   * How sure a version's evaluation is: how its bootstrap intervals were drawn, the model's paired
   * lead over its baseline, the verdict, and naive rules on the same test rows.
   *
   * @param resamples bootstrap resamples drawn
   * @param level confidence level of every interval, e.g. 0.95
   * @param seed seed of the resampling
   * @param unit what a resample draws
   * @param unitCount how many rows or users there were to draw from
   * @param baselineDifference paired intervals of model − baseline, by metric (for log loss and
   *     Brier a negative difference means the model is better)
   * @param beatsBaselineOnRocAuc whether the ROC-AUC difference's lower bound is above 0
   * @param beatsBaselineOnPrAuc whether the PR-AUC difference's lower bound is above 0
   * @param verdict the verdict in one sentence
   * @param references the naive rules, evaluated or with why not, in order
   */
  public record Comparison(
      int resamples,
      double level,
      long seed,
      BootstrapUnit unit,
      long unitCount,
      Map<Metric, ConfidenceInterval> baselineDifference,
      boolean beatsBaselineOnRocAuc,
      boolean beatsBaselineOnPrAuc,
      String verdict,
      List<ReferenceEvaluation> references) {
    public Comparison {
      Objects.requireNonNull(unit, "unit");
      baselineDifference = copyOfIntervals(baselineDifference);
      Objects.requireNonNull(verdict, "verdict");
      references = List.copyOf(references);
    }

    /** The level as a percentage, e.g. {@code 95%}. */
    public String levelPercent() {
      double pct = 100 * level;
      return (pct == Math.rint(pct) ? Long.toString(Math.round(pct)) : Double.toString(pct)) + "%";
    }
  }

  /** What a bootstrap resample draws. */
  public enum BootstrapUnit {
    /** Rows, independently. */
    ROW,
    /** Users, each with all of its rows. */
    USER
  }

  /**
   * A naive rule evaluated beside the model on the same test rows, or why it was not.
   *
   * @param name identifier, e.g. {@code bought_in_last_30d}
   * @param description the rule in words
   * @param status whether it was evaluated
   * @param note why it was not evaluated, empty when it was
   * @param evaluation its evaluation (with intervals), when evaluated
   * @param modelDifference paired intervals of model − rule, by metric
   */
  public record ReferenceEvaluation(
      String name,
      String description,
      ReferenceStatus status,
      String note,
      Optional<Evaluation> evaluation,
      Map<Metric, ConfidenceInterval> modelDifference) {
    public ReferenceEvaluation {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(note, "note");
      Objects.requireNonNull(evaluation, "evaluation");
      modelDifference = copyOfIntervals(modelDifference);
    }
  }

  /** Whether a reference rule was evaluated. */
  public enum ReferenceStatus {
    /** Evaluated on the test rows. */
    EVALUATED,
    /** The data lacks the rule's features. */
    NOT_APPLICABLE,
    /** The rule fires on no training row. */
    NEVER_FIRES
  }

  /** Decisions at the threshold against the labels. */
  public record ConfusionMatrix(
      long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {}

  /**
   * One tenth of the rows ranked by predicted probability (decile 1 = the top 10 %).
   *
   * @param minProbability lowest probability in the decile
   * @param positiveRate positives / rows of the decile
   * @param lift positive rate of the decile / positive rate of all rows
   * @param cumulativeGain share of all positives in deciles 1 to this one
   * @param cumulativeLift positive rate of deciles 1 to this one / positive rate of all rows
   */
  public record DecileLift(
      int decile,
      long rowCount,
      long positiveCount,
      double minProbability,
      double positiveRate,
      double lift,
      double cumulativeGain,
      double cumulativeLift) {}

  /** Rows whose predicted probability falls in [lowerBound, upperBound), and what happened. */
  public record CalibrationBin(
      double lowerBound,
      double upperBound,
      long rowCount,
      double meanPredictedProbability,
      double observedPositiveRate) {}

  /** A point of the ROC curve: the rates when predicting positive at probability ≥ threshold. */
  public record RocPoint(double threshold, double falsePositiveRate, double truePositiveRate) {}

  /** A point of the precision-recall curve. */
  public record PrPoint(double threshold, double recall, double precision) {}

  /**
   * One input feature of the model.
   *
   * @param type what kind of number it is, when the caller said
   * @param description what it measures, empty for none
   * @param windowKind the span of history it looks at, when the caller said
   * @param window the length of a sliding window
   * @param categories a categorical feature's levels; a value is an index into them
   * @param missingValues how a missing value reaches the model, for the features of a PROVIDED
   *     schema; empty for ENGINE schemas, whose vectors hold none
   */
  public record FeatureDefinition(
      String name,
      Optional<FeatureType> type,
      String description,
      Optional<WindowKind> windowKind,
      Optional<Duration> window,
      List<String> categories,
      Optional<MissingValues> missingValues) {
    public FeatureDefinition {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(windowKind, "windowKind");
      Objects.requireNonNull(window, "window");
      categories = List.copyOf(categories);
      Objects.requireNonNull(missingValues, "missingValues");
    }

    /** A feature with a name and nothing else said about it. */
    public static FeatureDefinition named(String name) {
      return new FeatureDefinition(
          name,
          Optional.empty(),
          "",
          Optional.empty(),
          Optional.empty(),
          List.of(),
          Optional.empty());
    }

    /** This feature with {@code m} as its missing-value handling. */
    public FeatureDefinition withMissingValues(MissingValues m) {
      return new FeatureDefinition(
          name, type, description, windowKind, window, categories, Optional.of(m));
    }
  }

  /** Where the values of a model's features come from. */
  public enum FeatureSource {
    /** feature-engine's schema, computed from events by the feature service. */
    ENGINE,
    /** The caller's own features: the model was trained on a team's table. */
    PROVIDED
  }

  /** How a missing feature value is fed to a model. */
  public enum MissingValues {
    /**
     * As the training table's missing cells were: NaN for a number or flag (LightGBM's learned
     * default branch), the code of {@code (missing)} (index 0 of the categories) for a category.
     */
    NATIVE
  }

  /** The span of history a feature looks at. */
  public enum WindowKind {
    /** A window of fixed length ending at the cutoff. */
    SLIDING,
    /** The session going on at the cutoff. */
    CURRENT_SESSION,
    /** Every event up to the cutoff. */
    LIFETIME
  }

  /**
   * Where a model's training rows came from and how they were used.
   *
   * @param source the rows' origin, when known
   * @param target what the label is, for feature-service rows
   * @param horizon how far past its cutoff a row's label looks
   * @param cutoffs the cutoffs of the rows, for feature-service rows
   * @param positiveRate share of positive rows
   * @param seed seed of the run
   * @param notes what the run decided on its own or found in the data (e.g. constant features)
   */
  public record Lineage(
      Optional<LineageSource> source,
      Optional<Target> target,
      Optional<Duration> horizon,
      List<Instant> cutoffs,
      long trainRowCount,
      long validationRowCount,
      long testRowCount,
      double positiveRate,
      long seed,
      List<String> notes) {
    public Lineage {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(horizon, "horizon");
      cutoffs = List.copyOf(cutoffs);
      notes = List.copyOf(notes);
    }

    /** A lineage without notes. */
    public Lineage(
        Optional<LineageSource> source,
        Optional<Target> target,
        Optional<Duration> horizon,
        List<Instant> cutoffs,
        long trainRowCount,
        long validationRowCount,
        long testRowCount,
        double positiveRate,
        long seed) {
      this(
          source,
          target,
          horizon,
          cutoffs,
          trainRowCount,
          validationRowCount,
          testRowCount,
          positiveRate,
          seed,
          List.of());
    }
  }

  /** The origin of a model's training rows. */
  public sealed interface LineageSource permits TrainingSet, TabularFile {}

  /**
   * A point-in-time training set built by feature-service, as it was asked for.
   *
   * @param target what the label is, when given
   * @param horizon how far past its cutoff a row's label looks, when given
   * @param cutoffs the cutoffs asked for, when given
   * @param userIds only these users; empty for all
   * @param sampleLimit most rows, 0 for no limit
   * @param seed seed of the sampling
   */
  public record TrainingSet(
      Optional<Target> target,
      Optional<Duration> horizon,
      Optional<Cutoffs> cutoffs,
      List<String> userIds,
      long sampleLimit,
      long seed)
      implements LineageSource {
    public TrainingSet {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(horizon, "horizon");
      Objects.requireNonNull(cutoffs, "cutoffs");
      userIds = List.copyOf(userIds);
    }
  }

  /** The cutoffs of a training set: listed, or a rolling range. */
  public sealed interface Cutoffs permits ExplicitCutoffs, RollingCutoffs {}

  /** Cutoffs listed one by one. */
  public record ExplicitCutoffs(List<Instant> cutoffs) implements Cutoffs {
    public ExplicitCutoffs {
      cutoffs = List.copyOf(cutoffs);
    }
  }

  /** A cutoff every {@code step} from {@code start} to {@code end}. */
  public record RollingCutoffs(Instant start, Instant end, Duration step) implements Cutoffs {
    public RollingCutoffs {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(step, "step");
    }
  }

  /**
   * A tabular file a user brought.
   *
   * @param path the file's path as the training service saw it
   * @param sha256 hex SHA-256 of the file, empty when not computed
   * @param labelColumn the column holding the label
   */
  public record TabularFile(String path, String sha256, String labelColumn)
      implements LineageSource {
    public TabularFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(labelColumn, "labelColumn");
    }
  }

  /**
   * A test row and the probability the model gave it, so a loaded model can be checked.
   *
   * @param values the row's feature values, in the order of the features
   * @param expectedProbability the model's probability for the row
   * @param userId the user of the row, when known
   * @param cutoff the row's cutoff, when known
   */
  public record GoldenRow(
      List<Double> values,
      double expectedProbability,
      Optional<String> userId,
      Optional<Instant> cutoff) {
    public GoldenRow {
      values = List.copyOf(values);
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(cutoff, "cutoff");
    }
  }

  /**
   * One trial of the hyperparameter search.
   *
   * @param trial its number, from 1
   * @param params the parameters tried, names to values in text form
   * @param metric the metric cross-validation optimised, when known
   * @param cvMetricMean mean of the metric over the folds
   * @param cvMetricStddev standard deviation of the metric over the folds
   * @param duration how long the trial took, when known
   * @param best whether this trial won
   */
  public record TuningTrial(
      int trial,
      Map<String, String> params,
      Optional<Metric> metric,
      double cvMetricMean,
      double cvMetricStddev,
      Optional<Duration> duration,
      boolean best) {
    public TuningTrial {
      params = Map.copyOf(params);
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(duration, "duration");
    }
  }
}
