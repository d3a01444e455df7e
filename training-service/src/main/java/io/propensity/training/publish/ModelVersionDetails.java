package io.propensity.training.publish;

import io.propensity.client.EventProtoMapper;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.runtime.explain.FeatureImportance;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.CalibrationBin;
import io.propensity.runtime.metrics.LiftDecile;
import io.propensity.runtime.metrics.PrPoint;
import io.propensity.runtime.metrics.RocPoint;
import io.propensity.training.pipeline.GoldenRow;
import io.propensity.training.pipeline.Lineage;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.tuning.Trial;
import java.util.List;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureType;
import propensity.registry.v1.ArtifactFormat;
import propensity.registry.v1.CalibrationBin.Builder;
import propensity.registry.v1.ConfusionMatrix;
import propensity.registry.v1.DecileLift;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.TuningTrial;

/**
 * Builds the registry.v1 {@code ModelVersion} document of a training result: what the registry
 * stores as a version's details and serves back to clients (metrics, curves, schema, lineage,
 * golden rows, importances, trials).
 */
final class ModelVersionDetails {
  private ModelVersionDetails() {}

  static ModelVersion of(
      String modelName,
      String jobId,
      TrainingResult r,
      String schemaHash,
      propensity.registry.v1.Lineage.Builder lineage) {
    ModelVersion.Builder b =
        ModelVersion.newBuilder()
            .setName(modelName)
            .setTrainingJobId(jobId)
            .setDescription(
                "LightGBM, " + r.iterations() + " trees; baseline: " + r.baselineDescription())
            .setEvaluation(evaluation("lightgbm", r.modelEvaluation()))
            .setBaselineEvaluation(evaluation("baseline", r.baselineEvaluation()))
            .putAllParams(r.params())
            .setFeatureSchema(schema(r, schemaHash))
            .setLineage(lineage(r.lineage(), lineage))
            .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT)
            .setThreshold(r.threshold());
    for (GoldenRow g : r.goldenRows()) {
      propensity.registry.v1.GoldenRow.Builder gr =
          propensity.registry.v1.GoldenRow.newBuilder()
              .setExpectedProbability(g.expectedProbability());
      for (double v : g.features()) {
        gr.addValues(v);
      }
      g.userId().ifPresent(gr::setUserId);
      g.cutoff().ifPresent(c -> gr.setCutoff(EventProtoMapper.timestamp(c)));
      b.addGoldenRows(gr);
    }
    for (FeatureImportance fi : r.importances()) {
      b.addFeatureImportances(
          propensity.registry.v1.FeatureImportance.newBuilder()
              .setFeature(fi.feature())
              .setMeanAbsShap(fi.meanAbsShap()));
    }
    r.tuning()
        .ifPresent(
            t -> {
              for (Trial trial : t.trials()) {
                b.addTuningTrials(
                    TuningTrial.newBuilder()
                        .setTrial(trial.number())
                        .putAllParams(trial.params().asLightGbmParams())
                        .setMetric(trialMetric(t.metric().name()))
                        .setCvMetricMean(finite(trial.cvMean()))
                        .setCvMetricStddev(finite(trial.cvStd()))
                        .setDuration(EventProtoMapper.duration(trial.duration()))
                        .setBest(trial.best()));
              }
            });
    return b.build();
  }

  private static propensity.registry.v1.Metric trialMetric(String earlyStoppingName) {
    return switch (earlyStoppingName) {
      case "AUC", "ROC_AUC" -> propensity.registry.v1.Metric.METRIC_ROC_AUC;
      case "AVERAGE_PRECISION", "PR_AUC" -> propensity.registry.v1.Metric.METRIC_PR_AUC;
      default -> propensity.registry.v1.Metric.METRIC_LOG_LOSS;
    };
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  static Evaluation evaluation(String kind, BinaryEvaluation e) {
    Evaluation.Builder b =
        Evaluation.newBuilder()
            .setModelKind(kind)
            .setRowCount(e.rows())
            .setPositiveCount(e.positives())
            .setThreshold(e.threshold())
            .setF1(finite(e.f1()))
            .setPrecision(finite(e.precision()))
            .setRecall(finite(e.recall()))
            .setConfusionMatrix(
                ConfusionMatrix.newBuilder()
                    .setTruePositives(e.confusion().truePositives())
                    .setFalsePositives(e.confusion().falsePositives())
                    .setTrueNegatives(e.confusion().trueNegatives())
                    .setFalseNegatives(e.confusion().falseNegatives()))
            .setRocAuc(finite(e.rocAuc()))
            .setPrAuc(finite(e.prAuc()))
            .setLogLoss(finite(e.logLoss()))
            .setBrier(finite(e.brierScore()));
    for (LiftDecile d : e.deciles()) {
      b.addDeciles(
          DecileLift.newBuilder()
              .setDecile(d.decile())
              .setRowCount(d.rows())
              .setPositiveCount(d.positives())
              .setMinProbability(d.minProbability())
              .setPositiveRate(d.positiveRate())
              .setLift(finite(d.lift()))
              .setCumulativeGain(finite(d.cumulativeGain()))
              .setCumulativeLift(finite(d.cumulativeLift())));
    }
    for (CalibrationBin c : e.calibration()) {
      Builder cb =
          propensity.registry.v1.CalibrationBin.newBuilder()
              .setLowerBound(c.lower())
              .setUpperBound(c.upper())
              .setRowCount(c.rows())
              .setMeanPredictedProbability(finite(c.meanPredicted()))
              .setObservedPositiveRate(finite(c.observedRate()));
      b.addCalibrationBins(cb);
    }
    for (RocPoint p : e.rocCurve()) {
      b.addRocCurve(
          propensity.registry.v1.RocPoint.newBuilder()
              .setThreshold(finite(p.threshold()))
              .setFalsePositiveRate(p.falsePositiveRate())
              .setTruePositiveRate(p.truePositiveRate()));
    }
    for (PrPoint p : e.prCurve()) {
      b.addPrCurve(
          propensity.registry.v1.PrPoint.newBuilder()
              .setThreshold(finite(p.threshold()))
              .setRecall(p.recall())
              .setPrecision(p.precision()));
    }
    return b.build();
  }

  /**
   * The schema of the model: feature-service's definitions when the names match, else the file's
   * columns.
   */
  private static FeatureSchema schema(TrainingResult r, String schemaHash) {
    FeatureSchema.Builder b = FeatureSchema.newBuilder().setVersionHash(schemaHash);
    io.propensity.engine.features.FeatureSchema engine = FeatureCatalog.schema();
    boolean engineSchema = engine.versionHash().equals(schemaHash);
    List<String> names = r.featureNames();
    for (int i = 0; i < names.size(); i++) {
      FeatureDefinition.Builder d = FeatureDefinition.newBuilder().setName(names.get(i));
      if (engineSchema) {
        var spec = engine.features().get(i);
        d.setDescription(spec.description())
            .setType(FeatureType.valueOf("FEATURE_TYPE_" + spec.type().name()));
      } else {
        FeatureKind kind = r.featureKinds().get(i);
        d.setType(
            switch (kind) {
              case NUMERIC -> FeatureType.FEATURE_TYPE_NUMERIC;
              case BOOLEAN -> FeatureType.FEATURE_TYPE_BOOLEAN;
              case CATEGORICAL -> FeatureType.FEATURE_TYPE_CATEGORICAL;
            });
        var vocab = r.vocabularies().get(names.get(i));
        if (vocab != null) {
          d.addAllCategories(vocab.values());
        }
      }
      b.addFeatures(d);
    }
    return b.build();
  }

  private static propensity.registry.v1.Lineage lineage(
      Lineage l, propensity.registry.v1.Lineage.Builder b) {
    b.setTrainRowCount(l.trainRows())
        .setValidationRowCount(l.validationRows())
        .setTestRowCount(l.testRows())
        .setPositiveRate(l.positiveRate())
        .setSeed(l.seed());
    for (var c : l.cutoffs()) {
      b.addCutoffs(EventProtoMapper.timestamp(c));
    }
    return b.build();
  }
}
