package io.propensity.training.publish;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureType;
import io.propensity.engine.labels.Target;
import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.BootstrapResult;
import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.runtime.metrics.Reliability;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.pipeline.comparison.ModelComparison;
import io.propensity.training.pipeline.comparison.RuleResult;
import io.propensity.training.pipeline.data.CategoricalVocabulary;
import io.propensity.training.pipeline.tuning.Trial;
import io.propensity.training.registry.Metric;
import io.propensity.training.registry.VersionDetails;
import io.propensity.training.registry.VersionDetails.BootstrapUnit;
import io.propensity.training.registry.VersionDetails.CalibrationBin;
import io.propensity.training.registry.VersionDetails.Comparison;
import io.propensity.training.registry.VersionDetails.ConfusionMatrix;
import io.propensity.training.registry.VersionDetails.DecileLift;
import io.propensity.training.registry.VersionDetails.Evaluation;
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
import io.propensity.training.registry.VersionDetails.TrainingSet;
import io.propensity.training.registry.VersionDetails.TuningTrial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the {@link VersionDetails} of a training result: what the registry stores with the version
 * and serves back to clients (metrics, curves, schema, lineage, golden rows, importances, trials,
 * and the calibration inference applies).
 */
final class ModelVersionDetails {
  private ModelVersionDetails() {}

  /** The details of {@code r}, trained by job {@code jobId} on rows from {@code source}. */
  static VersionDetails of(
      String jobId, TrainingResult r, String schemaHash, LineageSource source) {
    FeatureSource featureSource = featureSource(source, schemaHash);
    return new VersionDetails(
        "LightGBM, " + r.iterations() + " trees; baseline: " + r.baselineDescription(),
        jobId.isEmpty() ? Optional.empty() : Optional.of(jobId),
        Optional.of(
            evaluation(
                "lightgbm",
                r.modelEvaluation(),
                intervals(r.comparison().bootstrap().intervals().get(ModelComparison.MODEL)),
                r.calibration().model().method() == CalibrationMethod.NONE
                    ? Optional.empty()
                    : Optional.of(r.calibration().uncalibrated()))),
        Optional.of(
            evaluation(
                "baseline",
                r.baselineEvaluation(),
                intervals(r.comparison().bootstrap().intervals().get(ModelComparison.BASELINE)),
                Optional.empty())),
        r.params(),
        features(r, featureSource),
        Optional.of(lineage(r.lineage(), source)),
        r.goldenRows().stream()
            .map(
                g ->
                    new GoldenRow(
                        Arrays.stream(g.features()).boxed().toList(),
                        g.expectedProbability(),
                        g.userId(),
                        g.cutoff()))
            .toList(),
        r.importances(),
        r.tuning()
            .map(
                t ->
                    t.trials().stream()
                        .map(trial -> tuningTrial(trial, trialMetric(t.metric().name())))
                        .toList())
            .orElse(List.of()),
        Optional.of(comparison(r.comparison())),
        r.calibration().model(),
        Optional.of(featureSource));
  }

  /**
   * Where the model's features come from: feature-engine's when it was trained on the feature
   * service's rows of this engine's schema, the caller's own when it was trained on a table (even
   * one whose columns carry feature-engine's names: its values are whatever the table held).
   */
  static FeatureSource featureSource(LineageSource source, String schemaHash) {
    return source instanceof TrainingSet && FeatureCatalog.schema().versionHash().equals(schemaHash)
        ? FeatureSource.ENGINE
        : FeatureSource.PROVIDED;
  }

  /** The comparison as the registry keeps it: settings, paired differences, verdict, rules. */
  static Comparison comparison(ModelComparison c) {
    BootstrapResult b = c.bootstrap();
    List<ReferenceEvaluation> references = new ArrayList<>();
    for (RuleResult rule : c.rules()) {
      references.add(
          new ReferenceEvaluation(
              rule.name(),
              rule.title(),
              switch (rule.status()) {
                case EVALUATED -> ReferenceStatus.EVALUATED;
                case NOT_APPLICABLE -> ReferenceStatus.NOT_APPLICABLE;
                case NEVER_FIRES -> ReferenceStatus.NEVER_FIRES;
              },
              rule.note(),
              rule.evaluation()
                  .map(
                      e ->
                          evaluation(
                              rule.name(),
                              e,
                              intervals(b.intervals().get(rule.name())),
                              Optional.empty())),
              rule.evaluated() ? intervals(b.differences().get(rule.name())) : Map.of()));
    }
    return new Comparison(
        b.settings().resamples(),
        b.settings().level(),
        b.settings().seed(),
        b.unit() == BootstrapResult.Unit.CLUSTERS ? BootstrapUnit.USER : BootstrapUnit.ROW,
        b.units(),
        intervals(b.differences().get(ModelComparison.BASELINE)),
        c.verdict().beatsOnRocAuc(),
        c.verdict().beatsOnPrAuc(),
        c.verdict().text(),
        references);
  }

  private static Map<Metric, ConfidenceInterval> intervals(
      Map<IntervalMetric, ConfidenceInterval> intervals) {
    return VersionDetails.definedIntervals(intervals);
  }

  private static TuningTrial tuningTrial(Trial trial, Metric metric) {
    return new TuningTrial(
        trial.number(),
        trial.params().asLightGbmParams(),
        Optional.of(metric),
        finite(trial.cvMean()),
        finite(trial.cvStd()),
        Optional.of(trial.duration()),
        trial.best());
  }

  private static Metric trialMetric(String earlyStoppingName) {
    return switch (earlyStoppingName) {
      case "AUC", "ROC_AUC" -> Metric.ROC_AUC;
      case "AVERAGE_PRECISION", "PR_AUC" -> Metric.PR_AUC;
      default -> Metric.LOG_LOSS;
    };
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  private static Evaluation evaluation(
      String kind,
      BinaryEvaluation e,
      Map<Metric, ConfidenceInterval> intervals,
      Optional<Reliability> uncalibrated) {
    return new Evaluation(
        kind,
        e.rows(),
        e.positives(),
        e.threshold(),
        finite(e.f1()),
        finite(e.precision()),
        finite(e.recall()),
        Optional.of(
            new ConfusionMatrix(
                e.confusion().truePositives(),
                e.confusion().falsePositives(),
                e.confusion().trueNegatives(),
                e.confusion().falseNegatives())),
        finite(e.rocAuc()),
        finite(e.prAuc()),
        finite(e.logLoss()),
        finite(e.brierScore()),
        e.deciles().stream()
            .map(
                d ->
                    new DecileLift(
                        d.decile(),
                        d.rows(),
                        d.positives(),
                        d.minProbability(),
                        d.positiveRate(),
                        finite(d.lift()),
                        finite(d.cumulativeGain()),
                        finite(d.cumulativeLift())))
            .toList(),
        calibrationBins(e.calibration()),
        e.rocCurve().stream()
            .map(
                p ->
                    new RocPoint(
                        finite(p.threshold()), p.falsePositiveRate(), p.truePositiveRate()))
            .toList(),
        e.prCurve().stream()
            .map(p -> new PrPoint(finite(p.threshold()), p.recall(), p.precision()))
            .toList(),
        intervals,
        finite(e.expectedCalibrationError()),
        uncalibrated.map(
            u ->
                new ReliabilityFigures(
                    finite(u.brierScore()),
                    finite(u.logLoss()),
                    finite(u.expectedCalibrationError()),
                    calibrationBins(u.bins()))));
  }

  private static List<CalibrationBin> calibrationBins(
      List<io.propensity.runtime.metrics.CalibrationBin> bins) {
    return bins.stream()
        .map(
            c ->
                new CalibrationBin(
                    c.lower(),
                    c.upper(),
                    c.rows(),
                    finite(c.meanPredicted()),
                    finite(c.observedRate())))
        .toList();
  }

  /**
   * The features of the model: feature-service's definitions for an ENGINE model, else the table's
   * columns with their kinds, their categorical levels in code order (level {@code i} is the value
   * training encoded as {@code i}; level 0 is {@link CategoricalVocabulary#MISSING_LABEL}) and
   * native missing values.
   */
  private static List<FeatureDefinition> features(TrainingResult r, FeatureSource source) {
    io.propensity.engine.features.FeatureSchema engine = FeatureCatalog.schema();
    boolean engineSchema = source == FeatureSource.ENGINE;
    List<String> names = r.featureNames();
    List<FeatureDefinition> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      if (engineSchema) {
        var spec = engine.features().get(i);
        out.add(
            new FeatureDefinition(
                names.get(i),
                Optional.of(spec.type()),
                spec.description(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                Optional.empty()));
      } else {
        FeatureType type =
            switch (r.featureKinds().get(i)) {
              case NUMERIC -> FeatureType.NUMERIC;
              case BOOLEAN -> FeatureType.BOOLEAN;
              case CATEGORICAL -> FeatureType.CATEGORICAL;
            };
        CategoricalVocabulary vocab = r.vocabularies().get(names.get(i));
        out.add(
            new FeatureDefinition(
                names.get(i),
                Optional.of(type),
                "",
                Optional.empty(),
                Optional.empty(),
                vocab == null ? List.of() : vocab.values(),
                Optional.of(MissingValues.NATIVE)));
      }
    }
    return out;
  }

  /** The run's counts, cutoffs and seed, with the source's target and label horizon. */
  private static Lineage lineage(io.propensity.training.pipeline.Lineage l, LineageSource source) {
    Optional<Target> target = Optional.empty();
    Optional<Duration> horizon = Optional.empty();
    if (source instanceof TrainingSet set) {
      target = set.target();
      horizon = Optional.of(set.horizon().orElse(Duration.ZERO));
    }
    return new Lineage(
        Optional.of(source),
        target,
        horizon,
        l.cutoffs(),
        l.trainRows(),
        l.validationRows(),
        l.testRows(),
        l.positiveRate(),
        l.seed(),
        l.notes());
  }
}
