package io.propensity.training.registry;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.propensity.engine.features.FeatureType;
import io.propensity.engine.labels.Target;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.calibration.CalibrationFit;
import io.propensity.runtime.explain.FeatureImportance;
import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.training.registry.VersionDetails.CalibrationBin;
import io.propensity.training.registry.VersionDetails.ConfusionMatrix;
import io.propensity.training.registry.VersionDetails.DecileLift;
import io.propensity.training.registry.VersionDetails.Evaluation;
import io.propensity.training.registry.VersionDetails.ExplicitCutoffs;
import io.propensity.training.registry.VersionDetails.FeatureDefinition;
import io.propensity.training.registry.VersionDetails.FeatureSource;
import io.propensity.training.registry.VersionDetails.GoldenRow;
import io.propensity.training.registry.VersionDetails.Lineage;
import io.propensity.training.registry.VersionDetails.MissingValues;
import io.propensity.training.registry.VersionDetails.PrPoint;
import io.propensity.training.registry.VersionDetails.ReliabilityFigures;
import io.propensity.training.registry.VersionDetails.RocPoint;
import io.propensity.training.registry.VersionDetails.RollingCutoffs;
import io.propensity.training.registry.VersionDetails.TabularFile;
import io.propensity.training.registry.VersionDetails.TrainingSet;
import io.propensity.training.registry.VersionDetails.TuningTrial;
import io.propensity.training.registry.VersionDetails.WindowKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import propensity.features.v1.CutoffList;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.TrainingSetSpec;
import propensity.features.v1.UserFilter;
import propensity.registry.v1.ArtifactFormat;
import propensity.registry.v1.BootstrapUnit;
import propensity.registry.v1.CalibrationPoint;
import propensity.registry.v1.IsotonicCalibration;
import propensity.registry.v1.MetricIntervals;
import propensity.registry.v1.ModelComparison;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ReferenceEvaluation;
import propensity.registry.v1.ReferenceStatus;
import propensity.registry.v1.Reliability;
import propensity.registry.v1.TabularFileLineage;

/**
 * Version details with every field set to a value of its own, in the domain's records and, the same
 * values, as the registry.v1 message; and details that exercise the other variants.
 */
public final class VersionDetailsFixtures {
  private static final Instant CUTOFF_1 = Instant.parse("2024-03-01T00:00:00Z");
  private static final Instant CUTOFF_2 = Instant.parse("2024-03-08T00:00:00.123456789Z");

  private VersionDetailsFixtures() {}

  /**
   * The text of a LightGBM model (one stump) over {@code names}, with {@code infos} as its
   * feature_infos and {@code categorical} as its categorical_feature parameter (none when empty).
   */
  public static String lightGbmText(List<String> names, List<String> infos, String categorical) {
    return "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n"
        + "max_feature_idx="
        + (names.size() - 1)
        + "\nobjective=binary sigmoid:1\nfeature_names="
        + String.join(" ", names)
        + "\nfeature_infos="
        + String.join(" ", infos)
        + "\ntree_sizes=100\n\nTree=0\nnum_leaves=1\nnum_cat=0\nleaf_value=-1.5\n"
        + "shrinkage=1\n\n\nend of trees\n\nparameters:\n[boosting: gbdt]\n"
        + (categorical.isEmpty() ? "" : "[categorical_feature: " + categorical + "]\n")
        + "end of parameters\n\npandas_categorical:null\n";
  }

  /** The features of {@link #servableModel}, in order. */
  public static final List<String> SERVABLE_FEATURES = List.of("sessions_7d", "cart_adds_7d");

  /**
   * A LightGBM text model over {@link #SERVABLE_FEATURES} as LightGBM writes one, with one tree of
   * three leaves: node 0 sends sessions_7d ≤ 2.5 to leaf 0 (raw score −1.2), the rest to node 1,
   * which sends cart_adds_7d ≤ 0.5 to leaf 1 (0.3), the rest to leaf 2 (1.1).
   */
  public static String servableModel() {
    return servableModel("-1 -2", "1 -3");
  }

  /**
   * {@link #servableModel()} with {@code leftChild} and {@code rightChild} as its tree's child
   * lists (a child ≥ 0 is a node, ~leaf otherwise), to break it.
   */
  public static String servableModel(String leftChild, String rightChild) {
    return "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n"
        + "max_feature_idx=1\nobjective=binary sigmoid:1\n"
        + "feature_names=sessions_7d cart_adds_7d\nfeature_infos=[0:10] [0:5]\ntree_sizes=400\n\n"
        + "Tree=0\nnum_leaves=3\nnum_cat=0\nsplit_feature=0 1\nsplit_gain=12.5 4.25\n"
        + "threshold=2.5 0.5\ndecision_type=2 2\nleft_child="
        + leftChild
        + "\nright_child="
        + rightChild
        + "\nleaf_value=-1.2 0.3 1.1\nleaf_weight=50 30 20\nleaf_count=50 30 20\n"
        + "internal_value=0 0.62\ninternal_weight=100 50\ninternal_count=100 50\n"
        + "is_linear=0\nshrinkage=1\n\n\nend of trees\n\n"
        + "feature_importances:\nsessions_7d=1\ncart_adds_7d=1\n\n"
        + "parameters:\n[boosting: gbdt]\n[objective: binary]\nend of parameters\n\n"
        + "pandas_categorical:null\n";
  }

  /** {@code d} with {@code features} as its schema's features. */
  public static VersionDetails withFeatures(VersionDetails d, List<FeatureDefinition> features) {
    return copy(d, features, d.goldenRows(), d.featureSource());
  }

  /** {@code d} with {@code rows} as its golden rows. */
  public static VersionDetails withGoldenRows(VersionDetails d, List<GoldenRow> rows) {
    return copy(d, d.features(), rows, d.featureSource());
  }

  /** {@code d} without its feature source, as a caller that does not say it registers it. */
  public static VersionDetails unsaid(VersionDetails d) {
    return copy(d, d.features(), d.goldenRows(), Optional.empty());
  }

  private static VersionDetails copy(
      VersionDetails d,
      List<FeatureDefinition> features,
      List<GoldenRow> goldenRows,
      Optional<FeatureSource> source) {
    return new VersionDetails(
        d.description(),
        d.trainingJobId(),
        d.evaluation(),
        d.baselineEvaluation(),
        d.params(),
        features,
        d.lineage(),
        goldenRows,
        d.featureImportances(),
        d.tuningTrials(),
        d.comparison(),
        d.calibration(),
        source);
  }

  /** Details that say nothing but {@code description}. */
  public static VersionDetails described(String description) {
    VersionDetails e = VersionDetails.EMPTY;
    return new VersionDetails(
        description,
        e.trainingJobId(),
        e.evaluation(),
        e.baselineEvaluation(),
        e.params(),
        e.features(),
        e.lineage(),
        e.goldenRows(),
        e.featureImportances(),
        e.tuningTrials(),
        Optional.empty(),
        CalibrationFit.none(),
        // what the registry says of a version whose schema hash is not feature-engine's
        Optional.of(FeatureSource.PROVIDED));
  }

  /** Details with every field set, the lineage from a feature-service training set. */
  public static VersionDetails full() {
    return new VersionDetails(
        "weekly retrain, with ünïcode and \"quotes\"",
        Optional.of("job-1234"),
        Optional.of(evaluation("lightgbm", 0.4)),
        Optional.of(evaluation("baseline", 0.35)),
        Map.of("num_leaves", "31", "learning_rate", "0.05"),
        List.of(
            new FeatureDefinition(
                "sessions_7d",
                Optional.of(FeatureType.COUNT),
                "sessions in the last 7 days",
                Optional.of(WindowKind.SLIDING),
                Optional.of(java.time.Duration.ofDays(7)),
                List.of(),
                Optional.empty()),
            new FeatureDefinition(
                "device",
                Optional.of(FeatureType.CATEGORICAL),
                "",
                Optional.of(WindowKind.CURRENT_SESSION),
                Optional.empty(),
                List.of("(missing)", "desktop", "mobile"),
                Optional.empty()),
            FeatureDefinition.named("unknown_kind")),
        Optional.of(
            new Lineage(
                Optional.of(
                    new TrainingSet(
                        Optional.of(Target.PURCHASE),
                        Optional.of(java.time.Duration.ofDays(7)),
                        Optional.of(
                            new RollingCutoffs(CUTOFF_1, CUTOFF_2, java.time.Duration.ofDays(1))),
                        List.of("u1", "u2"),
                        5000,
                        7)),
                Optional.of(Target.PURCHASE),
                Optional.of(java.time.Duration.ofDays(7)),
                List.of(CUTOFF_1, CUTOFF_2),
                800,
                100,
                100,
                0.125,
                42)),
        List.of(
            new GoldenRow(List.of(3.0, 1.0, -0.5), 0.27, Optional.of("u1"), Optional.of(CUTOFF_2)),
            new GoldenRow(List.of(0.0, 2.0, 1e-300), 1.0, Optional.empty(), Optional.empty())),
        List.of(new FeatureImportance("sessions_7d", 0.4), new FeatureImportance("device", 0.1)),
        List.of(
            new TuningTrial(
                1,
                Map.of("num_leaves", "15"),
                Optional.of(Metric.ROC_AUC),
                0.8,
                0.01,
                Optional.of(java.time.Duration.ofMillis(1500)),
                false),
            new TuningTrial(2, Map.of(), Optional.empty(), 0.82, 0.0, Optional.empty(), true)),
        Optional.empty(),
        new CalibrationFit(
            Calibration.isotonic(new double[] {-2.5, -0.25, 1.5}, new double[] {0.01, 0.1, 0.6}),
            "auto chose isotonic",
            100,
            12),
        Optional.of(FeatureSource.ENGINE));
  }

  /** Details from a tabular file, with explicit cutoffs in a training set nowhere and NaN rates. */
  public static VersionDetails tabular() {
    Evaluation degenerate =
        new Evaluation(
            "lightgbm",
            10,
            0,
            0.5,
            0,
            0,
            0,
            Optional.empty(),
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            0.25,
            List.of(new DecileLift(1, 1, 0, 0.9, Double.NaN, 0, 0, 0)),
            List.of(),
            List.of(),
            List.of(),
            Map.of(),
            Evaluation.expectedCalibrationError(List.of()),
            Optional.empty());
    return new VersionDetails(
        "",
        Optional.empty(),
        Optional.of(degenerate),
        Optional.empty(),
        Map.of(),
        List.of(FeatureDefinition.named("x").withMissingValues(MissingValues.NATIVE)),
        Optional.of(
            new Lineage(
                Optional.of(new TabularFile("data/conversions.csv", "", "converted")),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                8,
                1,
                1,
                0,
                42)),
        List.of(),
        List.of(),
        List.of(),
        Optional.empty(),
        CalibrationFit.none(),
        Optional.of(FeatureSource.PROVIDED));
  }

  /**
   * {@link #full()} with bootstrap intervals on both evaluations and a comparison with the baseline
   * and two naive rules (one evaluated, one not applicable).
   */
  public static VersionDetails compared() {
    VersionDetails f = full();
    return new VersionDetails(
        f.description(),
        f.trainingJobId(),
        f.evaluation().map(e -> withIntervals(e, modelIntervals())),
        f.baselineEvaluation().map(e -> withIntervals(e, baselineIntervals())),
        f.params(),
        f.features(),
        f.lineage(),
        f.goldenRows(),
        f.featureImportances(),
        f.tuningTrials(),
        Optional.of(comparison()),
        f.calibration(),
        f.featureSource());
  }

  /** The comparison of {@link #compared()}: the model does not beat the baseline on PR-AUC. */
  public static VersionDetails.Comparison comparison() {
    return new VersionDetails.Comparison(
        1000,
        0.95,
        42,
        VersionDetails.BootstrapUnit.USER,
        412,
        Map.of(
            Metric.ROC_AUC, new ConfidenceInterval(0.031, 0.012, 0.049),
            Metric.PR_AUC, new ConfidenceInterval(0.004, -0.006, 0.013),
            Metric.LOG_LOSS, new ConfidenceInterval(-0.02, -0.03, -0.01)),
        true,
        false,
        "LightGBM beats the logistic baseline on ROC-AUC but not on PR-AUC by more than the 95%"
            + " interval: ROC-AUC +0.031 [+0.012, +0.049], PR-AUC +0.004 [−0.006, +0.013]",
        List.of(
            new VersionDetails.ReferenceEvaluation(
                "bought_in_last_30d",
                "bought in the last 30 days",
                VersionDetails.ReferenceStatus.EVALUATED,
                "",
                Optional.of(
                    withIntervals(
                        evaluation("bought_in_last_30d", 0.5),
                        Map.of(Metric.ROC_AUC, new ConfidenceInterval(0.6, 0.55, 0.65)))),
                Map.of(Metric.ROC_AUC, new ConfidenceInterval(0.23, 0.2, 0.26))),
            new VersionDetails.ReferenceEvaluation(
                "carted_not_bought",
                "carted and did not buy",
                VersionDetails.ReferenceStatus.NOT_APPLICABLE,
                "the data has no cart features",
                Optional.empty(),
                Map.of())));
  }

  private static Map<Metric, ConfidenceInterval> modelIntervals() {
    return Map.of(
        Metric.ROC_AUC, new ConfidenceInterval(0.83, 0.81, 0.85),
        Metric.PR_AUC, new ConfidenceInterval(0.52, 0.48, 0.56),
        Metric.F1, new ConfidenceInterval(0.61, 0.57, 0.65),
        Metric.LOG_LOSS, new ConfidenceInterval(0.31, 0.29, 0.33),
        Metric.BRIER, new ConfidenceInterval(0.09, 0.08, 0.1));
  }

  private static Map<Metric, ConfidenceInterval> baselineIntervals() {
    return Map.of(Metric.ROC_AUC, new ConfidenceInterval(0.8, 0.78, 0.82));
  }

  private static Evaluation withIntervals(Evaluation e, Map<Metric, ConfidenceInterval> ci) {
    return new Evaluation(
        e.modelKind(),
        e.rowCount(),
        e.positiveCount(),
        e.threshold(),
        e.f1(),
        e.precision(),
        e.recall(),
        e.confusionMatrix(),
        e.rocAuc(),
        e.prAuc(),
        e.logLoss(),
        e.brier(),
        e.deciles(),
        e.calibrationBins(),
        e.rocCurve(),
        e.prCurve(),
        ci,
        e.expectedCalibrationError(),
        e.uncalibrated());
  }

  /** A feature-service training set with explicit cutoffs and nothing else said. */
  public static TrainingSet explicitTrainingSet() {
    return new TrainingSet(
        Optional.empty(),
        Optional.empty(),
        Optional.of(new ExplicitCutoffs(List.of(CUTOFF_1, CUTOFF_2))),
        List.of(),
        0,
        0);
  }

  private static Evaluation evaluation(String kind, double threshold) {
    boolean model = kind.equals("lightgbm");
    return new Evaluation(
        kind,
        1000,
        100,
        threshold,
        0.61,
        0.55,
        0.7,
        Optional.of(new ConfusionMatrix(70, 57, 843, 30)),
        0.83,
        0.52,
        0.31,
        0.09,
        List.of(
            new DecileLift(1, 100, 31, 0.62, 0.31, 3.1, 0.31, 3.1),
            new DecileLift(2, 100, 20, 0.41, 0.2, 2.0, 0.51, 2.55)),
        List.of(new CalibrationBin(0, 0.1, 600, 0.04, 0.035)),
        List.of(new RocPoint(Double.MAX_VALUE, 0, 0), new RocPoint(0, 1, 1)),
        List.of(new PrPoint(0.9, 0.1, 1), new PrPoint(0, 1, 0.1)),
        Map.of(),
        model ? 0.012 : 0.02,
        model
            ? Optional.of(
                new ReliabilityFigures(
                    0.15, 0.45, 0.21, List.of(new CalibrationBin(0.3, 0.4, 600, 0.35, 0.04))))
            : Optional.empty());
  }

  // ---------------------------------------------------------------------------------------------
  // the same values as the contract's message

  /**
   * {@link #full()} as a registry.v1 ModelVersion, with the fields the registry keeps as columns
   * set as a client registering it sets them.
   */
  public static ModelVersion fullProto() {
    return ModelVersion.newBuilder()
        .setName("purchase-7d")
        .setDescription("weekly retrain, with ünïcode and \"quotes\"")
        .setTrainingJobId("job-1234")
        .setEvaluation(evaluationProto("lightgbm", 0.4))
        .setBaselineEvaluation(evaluationProto("baseline", 0.35))
        .putParams("num_leaves", "31")
        .putParams("learning_rate", "0.05")
        .setFeatureSchema(
            FeatureSchema.newBuilder()
                .setVersionHash("abc123")
                .addFeatures(
                    propensity.features.v1.FeatureDefinition.newBuilder()
                        .setName("sessions_7d")
                        .setType(propensity.features.v1.FeatureType.FEATURE_TYPE_COUNT)
                        .setDescription("sessions in the last 7 days")
                        .setWindowKind(propensity.features.v1.WindowKind.WINDOW_KIND_SLIDING)
                        .setWindow(Duration.newBuilder().setSeconds(7 * 86400)))
                .addFeatures(
                    propensity.features.v1.FeatureDefinition.newBuilder()
                        .setName("device")
                        .setType(propensity.features.v1.FeatureType.FEATURE_TYPE_CATEGORICAL)
                        .setWindowKind(
                            propensity.features.v1.WindowKind.WINDOW_KIND_CURRENT_SESSION)
                        .addCategories("(missing)")
                        .addCategories("desktop")
                        .addCategories("mobile"))
                .addFeatures(
                    propensity.features.v1.FeatureDefinition.newBuilder().setName("unknown_kind")))
        .setLineage(
            propensity.registry.v1.Lineage.newBuilder()
                .setFeatureServiceTrainingSet(
                    TrainingSetSpec.newBuilder()
                        .setTarget(propensity.features.v1.Target.TARGET_PURCHASE)
                        .setHorizon(Duration.newBuilder().setSeconds(7 * 86400))
                        .setRollingCutoffs(
                            CutoffRange.newBuilder()
                                .setStart(timestamp(CUTOFF_1))
                                .setEnd(timestamp(CUTOFF_2))
                                .setStep(Duration.newBuilder().setSeconds(86400)))
                        .setUserFilter(UserFilter.newBuilder().addUserIds("u1").addUserIds("u2"))
                        .setSampleLimit(5000)
                        .setSeed(7))
                .setTarget(propensity.features.v1.Target.TARGET_PURCHASE)
                .setHorizon(Duration.newBuilder().setSeconds(7 * 86400))
                .addCutoffs(timestamp(CUTOFF_1))
                .addCutoffs(timestamp(CUTOFF_2))
                .setTrainRowCount(800)
                .setValidationRowCount(100)
                .setTestRowCount(100)
                .setPositiveRate(0.125)
                .setSeed(42))
        .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT)
        .setArtifactSha256("0".repeat(64))
        .setArtifactSizeBytes(1000)
        .setThreshold(0.4)
        .addGoldenRows(
            propensity.registry.v1.GoldenRow.newBuilder()
                .addValues(3)
                .addValues(1)
                .addValues(-0.5)
                .setExpectedProbability(0.27)
                .setUserId("u1")
                .setCutoff(timestamp(CUTOFF_2)))
        .addGoldenRows(
            propensity.registry.v1.GoldenRow.newBuilder()
                .addValues(0)
                .addValues(2)
                .addValues(1e-300)
                .setExpectedProbability(1))
        .addFeatureImportances(
            propensity.registry.v1.FeatureImportance.newBuilder()
                .setFeature("sessions_7d")
                .setMeanAbsShap(0.4))
        .addFeatureImportances(
            propensity.registry.v1.FeatureImportance.newBuilder()
                .setFeature("device")
                .setMeanAbsShap(0.1))
        .addTuningTrials(
            propensity.registry.v1.TuningTrial.newBuilder()
                .setTrial(1)
                .putParams("num_leaves", "15")
                .setMetric(propensity.registry.v1.Metric.METRIC_ROC_AUC)
                .setCvMetricMean(0.8)
                .setCvMetricStddev(0.01)
                .setDuration(Duration.newBuilder().setSeconds(1).setNanos(500_000_000)))
        .addTuningTrials(
            propensity.registry.v1.TuningTrial.newBuilder()
                .setTrial(2)
                .setCvMetricMean(0.82)
                .setBest(true))
        .setCalibration(
            propensity.registry.v1.Calibration.newBuilder()
                .setIsotonic(
                    IsotonicCalibration.newBuilder()
                        .addPoints(point(-2.5, 0.01))
                        .addPoints(point(-0.25, 0.1))
                        .addPoints(point(1.5, 0.6)))
                .setValidationRowCount(100)
                .setValidationPositiveCount(12)
                .setReason("auto chose isotonic"))
        .build();
  }

  private static CalibrationPoint point(double raw, double probability) {
    return CalibrationPoint.newBuilder().setRawScore(raw).setProbability(probability).build();
  }

  /** {@link #compared()} as a registry.v1 ModelVersion. */
  public static ModelVersion comparedProto() {
    ModelVersion.Builder b = fullProto().toBuilder();
    b.getEvaluationBuilder()
        .setIntervals(
            MetricIntervals.newBuilder()
                .setRocAuc(interval(0.83, 0.81, 0.85))
                .setPrAuc(interval(0.52, 0.48, 0.56))
                .setF1(interval(0.61, 0.57, 0.65))
                .setLogLoss(interval(0.31, 0.29, 0.33))
                .setBrier(interval(0.09, 0.08, 0.1)));
    b.getBaselineEvaluationBuilder()
        .setIntervals(MetricIntervals.newBuilder().setRocAuc(interval(0.8, 0.78, 0.82)));
    b.setComparison(
        ModelComparison.newBuilder()
            .setBootstrapResamples(1000)
            .setConfidenceLevel(0.95)
            .setBootstrapSeed(42)
            .setBootstrapUnit(BootstrapUnit.BOOTSTRAP_UNIT_USER)
            .setBootstrapUnitCount(412)
            .setBaselineDifference(
                MetricIntervals.newBuilder()
                    .setRocAuc(interval(0.031, 0.012, 0.049))
                    .setPrAuc(interval(0.004, -0.006, 0.013))
                    .setLogLoss(interval(-0.02, -0.03, -0.01)))
            .setBeatsBaselineOnRocAuc(true)
            .setVerdict(comparison().verdict())
            .addReferenceEvaluations(
                ReferenceEvaluation.newBuilder()
                    .setName("bought_in_last_30d")
                    .setDescription("bought in the last 30 days")
                    .setStatus(ReferenceStatus.REFERENCE_STATUS_EVALUATED)
                    .setEvaluation(
                        evaluationProto("bought_in_last_30d", 0.5).toBuilder()
                            .setIntervals(
                                MetricIntervals.newBuilder().setRocAuc(interval(0.6, 0.55, 0.65))))
                    .setModelDifference(
                        MetricIntervals.newBuilder().setRocAuc(interval(0.23, 0.2, 0.26))))
            .addReferenceEvaluations(
                ReferenceEvaluation.newBuilder()
                    .setName("carted_not_bought")
                    .setDescription("carted and did not buy")
                    .setStatus(ReferenceStatus.REFERENCE_STATUS_NOT_APPLICABLE)
                    .setNote("the data has no cart features")));
    return b.build();
  }

  private static propensity.registry.v1.ConfidenceInterval interval(
      double estimate, double lower, double upper) {
    return propensity.registry.v1.ConfidenceInterval.newBuilder()
        .setEstimate(estimate)
        .setLower(lower)
        .setUpper(upper)
        .build();
  }

  /** {@link #tabular()}'s lineage as the contract's message. */
  public static propensity.registry.v1.Lineage tabularLineageProto() {
    return propensity.registry.v1.Lineage.newBuilder()
        .setTabularFile(
            TabularFileLineage.newBuilder()
                .setPath("data/conversions.csv")
                .setLabelColumn("converted"))
        .setTrainRowCount(8)
        .setValidationRowCount(1)
        .setTestRowCount(1)
        .setSeed(42)
        .build();
  }

  /** {@link #explicitTrainingSet()} as the contract's message. */
  public static TrainingSetSpec explicitTrainingSetProto() {
    return TrainingSetSpec.newBuilder()
        .setExplicitCutoffs(
            CutoffList.newBuilder().addCutoffs(timestamp(CUTOFF_1)).addCutoffs(timestamp(CUTOFF_2)))
        .build();
  }

  private static propensity.registry.v1.Evaluation evaluationProto(String kind, double threshold) {
    propensity.registry.v1.Evaluation.Builder b = propensity.registry.v1.Evaluation.newBuilder();
    if (kind.equals("lightgbm")) {
      b.setExpectedCalibrationError(0.012)
          .setUncalibrated(
              Reliability.newBuilder()
                  .setBrier(0.15)
                  .setLogLoss(0.45)
                  .setExpectedCalibrationError(0.21)
                  .addCalibrationBins(
                      propensity.registry.v1.CalibrationBin.newBuilder()
                          .setLowerBound(0.3)
                          .setUpperBound(0.4)
                          .setRowCount(600)
                          .setMeanPredictedProbability(0.35)
                          .setObservedPositiveRate(0.04)));
    } else {
      b.setExpectedCalibrationError(0.02);
    }
    return b.setModelKind(kind)
        .setRowCount(1000)
        .setPositiveCount(100)
        .setThreshold(threshold)
        .setF1(0.61)
        .setPrecision(0.55)
        .setRecall(0.7)
        .setConfusionMatrix(
            propensity.registry.v1.ConfusionMatrix.newBuilder()
                .setTruePositives(70)
                .setFalsePositives(57)
                .setTrueNegatives(843)
                .setFalseNegatives(30))
        .setRocAuc(0.83)
        .setPrAuc(0.52)
        .setLogLoss(0.31)
        .setBrier(0.09)
        .addDeciles(
            propensity.registry.v1.DecileLift.newBuilder()
                .setDecile(1)
                .setRowCount(100)
                .setPositiveCount(31)
                .setMinProbability(0.62)
                .setPositiveRate(0.31)
                .setLift(3.1)
                .setCumulativeGain(0.31)
                .setCumulativeLift(3.1))
        .addDeciles(
            propensity.registry.v1.DecileLift.newBuilder()
                .setDecile(2)
                .setRowCount(100)
                .setPositiveCount(20)
                .setMinProbability(0.41)
                .setPositiveRate(0.2)
                .setLift(2.0)
                .setCumulativeGain(0.51)
                .setCumulativeLift(2.55))
        .addCalibrationBins(
            propensity.registry.v1.CalibrationBin.newBuilder()
                .setLowerBound(0)
                .setUpperBound(0.1)
                .setRowCount(600)
                .setMeanPredictedProbability(0.04)
                .setObservedPositiveRate(0.035))
        .addRocCurve(propensity.registry.v1.RocPoint.newBuilder().setThreshold(Double.MAX_VALUE))
        .addRocCurve(
            propensity.registry.v1.RocPoint.newBuilder()
                .setFalsePositiveRate(1)
                .setTruePositiveRate(1))
        .addPrCurve(
            propensity.registry.v1.PrPoint.newBuilder()
                .setThreshold(0.9)
                .setRecall(0.1)
                .setPrecision(1))
        .addPrCurve(propensity.registry.v1.PrPoint.newBuilder().setRecall(1).setPrecision(0.1))
        .build();
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
