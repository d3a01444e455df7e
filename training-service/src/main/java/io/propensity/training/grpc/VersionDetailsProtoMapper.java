package io.propensity.training.grpc;

import com.google.protobuf.ProtocolMessageEnum;
import io.propensity.client.EventProtoMapper;
import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.features.FeatureType;
import io.propensity.engine.labels.Target;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.calibration.CalibrationFit;
import io.propensity.runtime.explain.FeatureImportance;
import io.propensity.runtime.metrics.ConfidenceInterval;
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
import io.propensity.training.registry.VersionDetails.GoldenRow;
import io.propensity.training.registry.VersionDetails.Lineage;
import io.propensity.training.registry.VersionDetails.LineageSource;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import propensity.features.v1.CutoffList;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.FeatureSource;
import propensity.features.v1.TrainingSetSpec;
import propensity.features.v1.UserFilter;
import propensity.registry.v1.CalibrationPoint;
import propensity.registry.v1.IsotonicCalibration;
import propensity.registry.v1.MetricIntervals;
import propensity.registry.v1.ModelComparison;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.NoCalibration;
import propensity.registry.v1.PlattScaling;
import propensity.registry.v1.Reliability;
import propensity.registry.v1.TabularFileLineage;

/**
 * Translates the descriptive part of a registry.v1 {@code ModelVersion} (evaluations, parameters,
 * feature definitions, lineage, golden rows, importances, trials, calibration) to {@link
 * VersionDetails} and back, field for field: a message that is set becomes a present {@code
 * Optional}, an unset or unknown enum value an empty one. The fields the registry keeps as columns
 * (name, number, aliases, time, threshold, format, checksums, schema hash) are {@link
 * RegistryProtoMapper}'s.
 */
public final class VersionDetailsProtoMapper {
  private VersionDetailsProtoMapper() {}

  /** The details a ModelVersion message carries. */
  public static VersionDetails toDetails(ModelVersion mv) {
    return new VersionDetails(
        mv.getDescription(),
        text(mv.getTrainingJobId()),
        mv.hasEvaluation()
            ? Optional.of(evaluation(mv.getEvaluation(), "model_version.evaluation"))
            : Optional.empty(),
        mv.hasBaselineEvaluation()
            ? Optional.of(
                evaluation(mv.getBaselineEvaluation(), "model_version.baseline_evaluation"))
            : Optional.empty(),
        mv.getParamsMap(),
        mv.getFeatureSchema().getFeaturesList().stream()
            .map(VersionDetailsProtoMapper::feature)
            .toList(),
        mv.hasLineage() ? Optional.of(lineage(mv.getLineage())) : Optional.empty(),
        mv.getGoldenRowsList().stream().map(VersionDetailsProtoMapper::goldenRow).toList(),
        mv.getFeatureImportancesList().stream()
            .map(f -> new FeatureImportance(f.getFeature(), f.getMeanAbsShap()))
            .toList(),
        mv.getTuningTrialsList().stream().map(VersionDetailsProtoMapper::tuningTrial).toList(),
        mv.hasComparison() ? Optional.of(comparison(mv.getComparison())) : Optional.empty(),
        mv.hasCalibration() ? calibration(mv.getCalibration()) : CalibrationFit.none(),
        // output only: the registry says where a version's features come from
        Optional.empty());
  }

  /**
   * A ModelVersion with {@code d}'s fields set; the caller adds the version's own fields (and the
   * feature schema's version hash).
   */
  static ModelVersion.Builder toProto(VersionDetails d) {
    ModelVersion.Builder b =
        ModelVersion.newBuilder().setDescription(d.description()).putAllParams(d.params());
    d.trainingJobId().ifPresent(b::setTrainingJobId);
    d.evaluation().ifPresent(e -> b.setEvaluation(evaluation(e)));
    d.baselineEvaluation().ifPresent(e -> b.setBaselineEvaluation(evaluation(e)));
    d.features().forEach(f -> b.getFeatureSchemaBuilder().addFeatures(feature(f)));
    d.featureSource()
        .ifPresent(
            s ->
                b.getFeatureSchemaBuilder()
                    .setSource(
                        switch (s) {
                          case ENGINE -> FeatureSource.FEATURE_SOURCE_ENGINE;
                          case PROVIDED -> FeatureSource.FEATURE_SOURCE_PROVIDED;
                        }));
    d.lineage().ifPresent(l -> b.setLineage(lineage(l)));
    d.goldenRows().forEach(g -> b.addGoldenRows(goldenRow(g)));
    d.featureImportances()
        .forEach(
            f ->
                b.addFeatureImportances(
                    propensity.registry.v1.FeatureImportance.newBuilder()
                        .setFeature(f.feature())
                        .setMeanAbsShap(f.meanAbsShap())));
    d.tuningTrials().forEach(t -> b.addTuningTrials(tuningTrial(t)));
    d.comparison().ifPresent(c -> b.setComparison(comparison(c)));
    if (!d.calibration().equals(CalibrationFit.none())) {
      b.setCalibration(calibration(d.calibration()));
    }
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // calibration

  /**
   * The domain calibration of a contract one.
   *
   * @throws IllegalArgumentException when its numbers do not make a calibration (not finite, a
   *     negative slope, isotonic points that do not increase, probabilities outside 0 to 1,
   *     positives above rows), with a message saying which
   */
  static CalibrationFit calibration(propensity.registry.v1.Calibration c) {
    Calibration calibration =
        switch (c.getMethodCase()) {
          case PLATT -> Calibration.platt(c.getPlatt().getSlope(), c.getPlatt().getIntercept());
          case ISOTONIC ->
              Calibration.isotonic(
                  c.getIsotonic().getPointsList().stream()
                      .mapToDouble(CalibrationPoint::getRawScore)
                      .toArray(),
                  c.getIsotonic().getPointsList().stream()
                      .mapToDouble(CalibrationPoint::getProbability)
                      .toArray());
          case NONE, METHOD_NOT_SET -> Calibration.none();
        };
    return new CalibrationFit(
        calibration, c.getReason(), c.getValidationRowCount(), c.getValidationPositiveCount());
  }

  private static propensity.registry.v1.Calibration calibration(CalibrationFit fit) {
    propensity.registry.v1.Calibration.Builder b =
        propensity.registry.v1.Calibration.newBuilder()
            .setValidationRowCount(fit.rows())
            .setValidationPositiveCount(fit.positives())
            .setReason(fit.reason());
    if (fit.calibration() instanceof Calibration.Platt p) {
      b.setPlatt(PlattScaling.newBuilder().setSlope(p.slope()).setIntercept(p.intercept()));
    } else if (fit.calibration() instanceof Calibration.Isotonic iso) {
      IsotonicCalibration.Builder points = IsotonicCalibration.newBuilder();
      double[] raw = iso.rawScores();
      double[] probability = iso.probabilities();
      for (int i = 0; i < raw.length; i++) {
        points.addPoints(
            CalibrationPoint.newBuilder().setRawScore(raw[i]).setProbability(probability[i]));
      }
      b.setIsotonic(points);
    } else {
      b.setNone(NoCalibration.getDefaultInstance());
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // evaluation

  private static Evaluation evaluation(propensity.registry.v1.Evaluation e, String field) {
    return new Evaluation(
        e.getModelKind(),
        e.getRowCount(),
        e.getPositiveCount(),
        e.getThreshold(),
        e.getF1(),
        e.getPrecision(),
        e.getRecall(),
        e.hasConfusionMatrix()
            ? Optional.of(
                new ConfusionMatrix(
                    e.getConfusionMatrix().getTruePositives(),
                    e.getConfusionMatrix().getFalsePositives(),
                    e.getConfusionMatrix().getTrueNegatives(),
                    e.getConfusionMatrix().getFalseNegatives()))
            : Optional.empty(),
        e.getRocAuc(),
        e.getPrAuc(),
        e.getLogLoss(),
        e.getBrier(),
        e.getDecilesList().stream()
            .map(
                d ->
                    new DecileLift(
                        d.getDecile(),
                        d.getRowCount(),
                        d.getPositiveCount(),
                        d.getMinProbability(),
                        d.getPositiveRate(),
                        d.getLift(),
                        d.getCumulativeGain(),
                        d.getCumulativeLift()))
            .toList(),
        calibrationBins(e.getCalibrationBinsList()),
        e.getRocCurveList().stream()
            .map(
                p ->
                    new RocPoint(
                        p.getThreshold(), p.getFalsePositiveRate(), p.getTruePositiveRate()))
            .toList(),
        e.getPrCurveList().stream()
            .map(p -> new PrPoint(p.getThreshold(), p.getRecall(), p.getPrecision()))
            .toList(),
        intervals(e.getIntervals(), field + ".intervals"),
        expectedCalibrationError(e),
        e.hasUncalibrated()
            ? Optional.of(
                new ReliabilityFigures(
                    e.getUncalibrated().getBrier(),
                    e.getUncalibrated().getLogLoss(),
                    e.getUncalibrated().getExpectedCalibrationError(),
                    calibrationBins(e.getUncalibrated().getCalibrationBinsList())))
            : Optional.empty());
  }

  /** The stated expected calibration error; from the bins when a client left it unset (0). */
  private static double expectedCalibrationError(propensity.registry.v1.Evaluation e) {
    double stated = e.getExpectedCalibrationError();
    if (stated != 0 || e.getCalibrationBinsCount() == 0) {
      return stated;
    }
    return Evaluation.expectedCalibrationError(calibrationBins(e.getCalibrationBinsList()));
  }

  private static List<CalibrationBin> calibrationBins(
      List<propensity.registry.v1.CalibrationBin> bins) {
    return bins.stream()
        .map(
            c ->
                new CalibrationBin(
                    c.getLowerBound(),
                    c.getUpperBound(),
                    c.getRowCount(),
                    c.getMeanPredictedProbability(),
                    c.getObservedPositiveRate()))
        .toList();
  }

  private static propensity.registry.v1.CalibrationBin calibrationBin(CalibrationBin c) {
    return propensity.registry.v1.CalibrationBin.newBuilder()
        .setLowerBound(c.lowerBound())
        .setUpperBound(c.upperBound())
        .setRowCount(c.rowCount())
        .setMeanPredictedProbability(c.meanPredictedProbability())
        .setObservedPositiveRate(c.observedPositiveRate())
        .build();
  }

  private static propensity.registry.v1.Evaluation evaluation(Evaluation e) {
    propensity.registry.v1.Evaluation.Builder b =
        propensity.registry.v1.Evaluation.newBuilder()
            .setModelKind(e.modelKind())
            .setRowCount(e.rowCount())
            .setPositiveCount(e.positiveCount())
            .setThreshold(e.threshold())
            .setF1(e.f1())
            .setPrecision(e.precision())
            .setRecall(e.recall())
            .setRocAuc(e.rocAuc())
            .setPrAuc(e.prAuc())
            .setLogLoss(e.logLoss())
            .setBrier(e.brier())
            .setExpectedCalibrationError(e.expectedCalibrationError());
    e.uncalibrated()
        .ifPresent(
            u ->
                b.setUncalibrated(
                    Reliability.newBuilder()
                        .setBrier(u.brier())
                        .setLogLoss(u.logLoss())
                        .setExpectedCalibrationError(u.expectedCalibrationError())
                        .addAllCalibrationBins(
                            u.calibrationBins().stream()
                                .map(VersionDetailsProtoMapper::calibrationBin)
                                .toList())));
    e.confusionMatrix()
        .ifPresent(
            m ->
                b.setConfusionMatrix(
                    propensity.registry.v1.ConfusionMatrix.newBuilder()
                        .setTruePositives(m.truePositives())
                        .setFalsePositives(m.falsePositives())
                        .setTrueNegatives(m.trueNegatives())
                        .setFalseNegatives(m.falseNegatives())));
    for (DecileLift d : e.deciles()) {
      b.addDeciles(
          propensity.registry.v1.DecileLift.newBuilder()
              .setDecile(d.decile())
              .setRowCount(d.rowCount())
              .setPositiveCount(d.positiveCount())
              .setMinProbability(d.minProbability())
              .setPositiveRate(d.positiveRate())
              .setLift(d.lift())
              .setCumulativeGain(d.cumulativeGain())
              .setCumulativeLift(d.cumulativeLift()));
    }
    for (CalibrationBin c : e.calibrationBins()) {
      b.addCalibrationBins(calibrationBin(c));
    }
    for (RocPoint p : e.rocCurve()) {
      b.addRocCurve(
          propensity.registry.v1.RocPoint.newBuilder()
              .setThreshold(p.threshold())
              .setFalsePositiveRate(p.falsePositiveRate())
              .setTruePositiveRate(p.truePositiveRate()));
    }
    for (PrPoint p : e.prCurve()) {
      b.addPrCurve(
          propensity.registry.v1.PrPoint.newBuilder()
              .setThreshold(p.threshold())
              .setRecall(p.recall())
              .setPrecision(p.precision()));
    }
    if (!e.intervals().isEmpty()) {
      b.setIntervals(intervals(e.intervals()));
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // confidence intervals and the comparison with the baseline and rules

  private static Comparison comparison(ModelComparison c) {
    String field = "model_version.comparison";
    List<ReferenceEvaluation> references = new ArrayList<>();
    for (int i = 0; i < c.getReferenceEvaluationsCount(); i++) {
      var r = c.getReferenceEvaluations(i);
      String at = field + ".reference_evaluations[" + i + "]";
      references.add(
          new ReferenceEvaluation(
              r.getName(),
              r.getDescription(),
              fromProto(r.getStatus(), "REFERENCE_STATUS_", ReferenceStatus.class)
                  .orElse(ReferenceStatus.NOT_APPLICABLE),
              r.getNote(),
              r.hasEvaluation()
                  ? Optional.of(evaluation(r.getEvaluation(), at + ".evaluation"))
                  : Optional.empty(),
              intervals(r.getModelDifference(), at + ".model_difference")));
    }
    return new Comparison(
        c.getBootstrapResamples(),
        c.getConfidenceLevel(),
        c.getBootstrapSeed(),
        fromProto(c.getBootstrapUnit(), "BOOTSTRAP_UNIT_", BootstrapUnit.class)
            .orElse(BootstrapUnit.ROW),
        c.getBootstrapUnitCount(),
        intervals(c.getBaselineDifference(), field + ".baseline_difference"),
        c.getBeatsBaselineOnRocAuc(),
        c.getBeatsBaselineOnPrAuc(),
        c.getVerdict(),
        references);
  }

  private static ModelComparison comparison(Comparison c) {
    ModelComparison.Builder b =
        ModelComparison.newBuilder()
            .setBootstrapResamples(c.resamples())
            .setConfidenceLevel(c.level())
            .setBootstrapSeed(c.seed())
            .setBootstrapUnit(
                propensity.registry.v1.BootstrapUnit.valueOf("BOOTSTRAP_UNIT_" + c.unit().name()))
            .setBootstrapUnitCount(c.unitCount())
            .setBaselineDifference(intervals(c.baselineDifference()))
            .setBeatsBaselineOnRocAuc(c.beatsBaselineOnRocAuc())
            .setBeatsBaselineOnPrAuc(c.beatsBaselineOnPrAuc())
            .setVerdict(c.verdict());
    for (ReferenceEvaluation r : c.references()) {
      var ref =
          propensity.registry.v1.ReferenceEvaluation.newBuilder()
              .setName(r.name())
              .setDescription(r.description())
              .setStatus(
                  propensity.registry.v1.ReferenceStatus.valueOf(
                      "REFERENCE_STATUS_" + r.status().name()))
              .setNote(r.note());
      r.evaluation().ifPresent(e -> ref.setEvaluation(evaluation(e)));
      if (!r.modelDifference().isEmpty()) {
        ref.setModelDifference(intervals(r.modelDifference()));
      }
      b.addReferenceEvaluations(ref);
    }
    return b.build();
  }

  /** The intervals set in {@code m}, by metric; an interval with lower above upper is refused. */
  private static Map<Metric, ConfidenceInterval> intervals(MetricIntervals m, String field) {
    Map<Metric, ConfidenceInterval> out = new EnumMap<>(Metric.class);
    if (m.hasRocAuc()) {
      out.put(Metric.ROC_AUC, interval(m.getRocAuc(), field + ".roc_auc"));
    }
    if (m.hasPrAuc()) {
      out.put(Metric.PR_AUC, interval(m.getPrAuc(), field + ".pr_auc"));
    }
    if (m.hasF1()) {
      out.put(Metric.F1, interval(m.getF1(), field + ".f1"));
    }
    if (m.hasLogLoss()) {
      out.put(Metric.LOG_LOSS, interval(m.getLogLoss(), field + ".log_loss"));
    }
    if (m.hasBrier()) {
      out.put(Metric.BRIER, interval(m.getBrier(), field + ".brier"));
    }
    return out;
  }

  private static ConfidenceInterval interval(
      propensity.registry.v1.ConfidenceInterval ci, String field) {
    if (!(ci.getLower() <= ci.getUpper())) {
      throw InvalidInputException.of(
          field, "lower " + ci.getLower() + " is not at most upper " + ci.getUpper());
    }
    return new ConfidenceInterval(ci.getEstimate(), ci.getLower(), ci.getUpper());
  }

  /** The contract form of intervals; metrics without a contract field (precision) are left out. */
  static MetricIntervals intervals(Map<Metric, ConfidenceInterval> intervals) {
    MetricIntervals.Builder b = MetricIntervals.newBuilder();
    intervals.forEach(
        (metric, ci) -> {
          var v =
              propensity.registry.v1.ConfidenceInterval.newBuilder()
                  .setEstimate(ci.estimate())
                  .setLower(ci.lower())
                  .setUpper(ci.upper());
          switch (metric) {
            case ROC_AUC -> b.setRocAuc(v);
            case PR_AUC -> b.setPrAuc(v);
            case F1 -> b.setF1(v);
            case LOG_LOSS -> b.setLogLoss(v);
            case BRIER -> b.setBrier(v);
            case PRECISION, RECALL -> {}
          }
        });
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // features, rows, trials

  private static FeatureDefinition feature(propensity.features.v1.FeatureDefinition f) {
    return new FeatureDefinition(
        f.getName(),
        fromProto(f.getType(), "FEATURE_TYPE_", FeatureType.class),
        f.getDescription(),
        fromProto(f.getWindowKind(), "WINDOW_KIND_", WindowKind.class),
        f.hasWindow() ? Optional.of(EventProtoMapper.duration(f.getWindow())) : Optional.empty(),
        f.getCategoriesList(),
        // output only, like the schema's source
        Optional.empty());
  }

  private static propensity.features.v1.FeatureDefinition feature(FeatureDefinition f) {
    propensity.features.v1.FeatureDefinition.Builder b =
        propensity.features.v1.FeatureDefinition.newBuilder()
            .setName(f.name())
            .setDescription(f.description())
            .addAllCategories(f.categories());
    f.type()
        .ifPresent(
            t -> b.setType(propensity.features.v1.FeatureType.valueOf("FEATURE_TYPE_" + t.name())));
    f.windowKind()
        .ifPresent(
            k ->
                b.setWindowKind(
                    propensity.features.v1.WindowKind.valueOf("WINDOW_KIND_" + k.name())));
    f.window().ifPresent(w -> b.setWindow(EventProtoMapper.duration(w)));
    f.missingValues()
        .ifPresent(
            m ->
                b.setMissingValues(
                    switch (m) {
                      case NATIVE -> propensity.features.v1.MissingValues.MISSING_VALUES_NATIVE;
                    }));
    return b.build();
  }

  private static GoldenRow goldenRow(propensity.registry.v1.GoldenRow g) {
    return new GoldenRow(
        g.getValuesList(),
        g.getExpectedProbability(),
        text(g.getUserId()),
        g.hasCutoff() ? Optional.of(EventProtoMapper.instant(g.getCutoff())) : Optional.empty());
  }

  private static propensity.registry.v1.GoldenRow goldenRow(GoldenRow g) {
    propensity.registry.v1.GoldenRow.Builder b =
        propensity.registry.v1.GoldenRow.newBuilder()
            .addAllValues(g.values())
            .setExpectedProbability(g.expectedProbability());
    g.userId().ifPresent(b::setUserId);
    g.cutoff().ifPresent(c -> b.setCutoff(EventProtoMapper.timestamp(c)));
    return b.build();
  }

  private static TuningTrial tuningTrial(propensity.registry.v1.TuningTrial t) {
    return new TuningTrial(
        t.getTrial(),
        t.getParamsMap(),
        fromProto(t.getMetric(), "METRIC_", Metric.class),
        t.getCvMetricMean(),
        t.getCvMetricStddev(),
        t.hasDuration()
            ? Optional.of(EventProtoMapper.duration(t.getDuration()))
            : Optional.empty(),
        t.getBest());
  }

  private static propensity.registry.v1.TuningTrial tuningTrial(TuningTrial t) {
    propensity.registry.v1.TuningTrial.Builder b =
        propensity.registry.v1.TuningTrial.newBuilder()
            .setTrial(t.trial())
            .putAllParams(t.params())
            .setCvMetricMean(t.cvMetricMean())
            .setCvMetricStddev(t.cvMetricStddev())
            .setBest(t.best());
    t.metric().ifPresent(m -> b.setMetric(propensity.registry.v1.Metric.valueOf("METRIC_" + m)));
    t.duration().ifPresent(d -> b.setDuration(EventProtoMapper.duration(d)));
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // lineage

  private static Lineage lineage(propensity.registry.v1.Lineage l) {
    Optional<LineageSource> source =
        switch (l.getSourceCase()) {
          case FEATURE_SERVICE_TRAINING_SET ->
              Optional.of(trainingSet(l.getFeatureServiceTrainingSet()));
          case TABULAR_FILE ->
              Optional.of(
                  new TabularFile(
                      l.getTabularFile().getPath(),
                      l.getTabularFile().getSha256(),
                      l.getTabularFile().getLabelColumn()));
          case SOURCE_NOT_SET -> Optional.empty();
        };
    return new Lineage(
        source,
        target(l.getTarget()),
        l.hasHorizon() ? Optional.of(EventProtoMapper.duration(l.getHorizon())) : Optional.empty(),
        l.getCutoffsList().stream().map(EventProtoMapper::instant).toList(),
        l.getTrainRowCount(),
        l.getValidationRowCount(),
        l.getTestRowCount(),
        l.getPositiveRate(),
        l.getSeed(),
        l.getNotesList());
  }

  private static propensity.registry.v1.Lineage lineage(Lineage l) {
    propensity.registry.v1.Lineage.Builder b =
        propensity.registry.v1.Lineage.newBuilder()
            .setTrainRowCount(l.trainRowCount())
            .setValidationRowCount(l.validationRowCount())
            .setTestRowCount(l.testRowCount())
            .setPositiveRate(l.positiveRate())
            .setSeed(l.seed());
    if (l.source().orElse(null) instanceof TrainingSet t) {
      b.setFeatureServiceTrainingSet(trainingSet(t));
    } else if (l.source().orElse(null) instanceof TabularFile f) {
      b.setTabularFile(
          TabularFileLineage.newBuilder()
              .setPath(f.path())
              .setSha256(f.sha256())
              .setLabelColumn(f.labelColumn()));
    }
    l.target().ifPresent(t -> b.setTarget(target(t)));
    l.horizon().ifPresent(h -> b.setHorizon(EventProtoMapper.duration(h)));
    l.cutoffs().forEach(c -> b.addCutoffs(EventProtoMapper.timestamp(c)));
    b.addAllNotes(l.notes());
    return b.build();
  }

  /** The domain record of a feature-service training set request. */
  static TrainingSet trainingSet(TrainingSetSpec s) {
    Optional<Cutoffs> cutoffs =
        switch (s.getCutoffsCase()) {
          case EXPLICIT_CUTOFFS ->
              Optional.of(
                  new ExplicitCutoffs(
                      s.getExplicitCutoffs().getCutoffsList().stream()
                          .map(EventProtoMapper::instant)
                          .toList()));
          case ROLLING_CUTOFFS ->
              Optional.of(
                  new RollingCutoffs(
                      EventProtoMapper.instant(s.getRollingCutoffs().getStart()),
                      EventProtoMapper.instant(s.getRollingCutoffs().getEnd()),
                      EventProtoMapper.duration(s.getRollingCutoffs().getStep())));
          case CUTOFFS_NOT_SET -> Optional.empty();
        };
    return new TrainingSet(
        target(s.getTarget()),
        s.hasHorizon() ? Optional.of(EventProtoMapper.duration(s.getHorizon())) : Optional.empty(),
        cutoffs,
        s.getUserFilter().getUserIdsList(),
        s.getSampleLimit(),
        s.getSeed());
  }

  private static TrainingSetSpec trainingSet(TrainingSet t) {
    TrainingSetSpec.Builder b =
        TrainingSetSpec.newBuilder().setSampleLimit(t.sampleLimit()).setSeed(t.seed());
    t.target().ifPresent(v -> b.setTarget(target(v)));
    t.horizon().ifPresent(h -> b.setHorizon(EventProtoMapper.duration(h)));
    if (t.cutoffs().orElse(null) instanceof ExplicitCutoffs e) {
      CutoffList.Builder list = CutoffList.newBuilder();
      e.cutoffs().forEach(c -> list.addCutoffs(EventProtoMapper.timestamp(c)));
      b.setExplicitCutoffs(list);
    } else if (t.cutoffs().orElse(null) instanceof RollingCutoffs r) {
      b.setRollingCutoffs(
          CutoffRange.newBuilder()
              .setStart(EventProtoMapper.timestamp(r.start()))
              .setEnd(EventProtoMapper.timestamp(r.end()))
              .setStep(EventProtoMapper.duration(r.step())));
    }
    if (!t.userIds().isEmpty()) {
      b.setUserFilter(UserFilter.newBuilder().addAllUserIds(t.userIds()));
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // scalars

  private static Optional<Target> target(propensity.features.v1.Target t) {
    return fromProto(t, "TARGET_", Target.class);
  }

  private static propensity.features.v1.Target target(Target t) {
    return propensity.features.v1.Target.valueOf("TARGET_" + t.name());
  }

  /** The domain value of a contract enum value named {@code prefix + NAME}; empty for 0. */
  private static <E extends Enum<E>> Optional<E> fromProto(
      ProtocolMessageEnum value, String prefix, Class<E> type) {
    if (!(value instanceof Enum<?> e)
        || e.name().equals("UNRECOGNIZED")
        || value.getNumber() == 0) {
      return Optional.empty();
    }
    return Optional.of(Enum.valueOf(type, e.name().substring(prefix.length())));
  }

  private static Optional<String> text(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }
}
