package io.propensity.training.grpc;

import io.propensity.client.EventProtoMapper;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.BootstrapResult;
import io.propensity.runtime.metrics.BootstrapSettings;
import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.runtime.metrics.IntervalMetric;
import io.propensity.training.jobs.DataLoader;
import io.propensity.training.jobs.Job;
import io.propensity.training.jobs.JobDefinition;
import io.propensity.training.jobs.JobState;
import io.propensity.training.pipeline.CalibrationReport;
import io.propensity.training.pipeline.Progress;
import io.propensity.training.pipeline.TrainingRequest;
import io.propensity.training.pipeline.TrainingSource;
import io.propensity.training.pipeline.comparison.ComparisonSettings;
import io.propensity.training.pipeline.comparison.ModelComparison;
import io.propensity.training.pipeline.comparison.RuleResult;
import io.propensity.training.pipeline.data.CsvOptions;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.model.EarlyStoppingMetric;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.split.SplitConfig;
import io.propensity.training.pipeline.tuning.SearchMethod;
import io.propensity.training.pipeline.tuning.TuningConfig;
import io.propensity.training.registry.Metric;
import io.propensity.training.registry.ModelRegistry;
import io.propensity.training.registry.VersionDetails;
import io.propensity.training.registry.VersionDetails.LineageSource;
import io.propensity.training.registry.VersionDetails.TabularFile;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import propensity.registry.v1.MetricIntervals;
import propensity.registry.v1.ReferenceStatus;
import propensity.training.v1.CalibrationSummary;
import propensity.training.v1.ComparisonSpec;
import propensity.training.v1.DataSource;
import propensity.training.v1.EvaluationSummary;
import propensity.training.v1.ImbalanceSpec;
import propensity.training.v1.JobProgress;
import propensity.training.v1.MetricSummary;
import propensity.training.v1.PromotionOutcome;
import propensity.training.v1.PromotionPolicy;
import propensity.training.v1.RuleSummary;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.SplitSpec;
import propensity.training.v1.SplitStrategy;
import propensity.training.v1.TabularFileSource;
import propensity.training.v1.ThresholdSpec;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TrainingStage;
import propensity.training.v1.TuningSpec;

/** Translates training.v1 messages to job definitions and job snapshots back to messages. */
final class TrainingProtoMapper {
  private static final Set<String> ALWAYS_FIXABLE =
      Set.of("num_iterations", "num_threads", "early_stopping_round");
  private static final Set<String> TUNED = Set.copyOf(Hyperparameters.NAMES);

  private TrainingProtoMapper() {}

  /** Where a feature-service spec is turned into a loader (the endpoint owns the client). */
  interface FeatureServiceLoaders {
    DataLoader loader(propensity.features.v1.TrainingSetSpec spec);
  }

  /**
   * Validates a spec and builds the job it describes.
   *
   * @throws InvalidInputException naming every bad field
   */
  static JobDefinition<TrainingSpec> toDefinition(
      TrainingSpec spec, String requestId, FeatureServiceLoaders featureService, Path dataDir) {
    List<FieldError> errors = new ArrayList<>();
    checkNames(spec, requestId, errors);
    long seed = spec.getSeed() == 0 ? TrainingRequest.DEFAULT_SEED : spec.getSeed();
    Optional<Rows> rows = rows(spec.getDataSource(), featureService, dataDir, errors);
    SplitConfig split = split(spec.getSplit(), rows, seed, errors);
    ImbalanceStrategy imbalance = imbalance(spec.getImbalance(), errors);
    EarlyStoppingMetric metric = tuningMetric(spec.getTuning(), errors);
    boolean tuned = spec.getTuning().getStrategy() != SearchStrategy.SEARCH_STRATEGY_NONE;
    Optional<TuningConfig> tuning =
        tuned ? tuning(spec.getTuning(), seed, errors) : Optional.empty();
    double thresholdBeta = thresholdBeta(spec.getThreshold(), errors);
    CalibrationMethod calibration = calibration(spec.getCalibration(), errors);
    FitSettings fit = fitSettings(spec.getFixedParamsMap(), tuned, metric, seed, errors);
    Optional<JobDefinition.Promotion> promotion = promotion(spec.getPromotion(), errors);
    ComparisonSettings comparison = comparison(spec.getComparison(), seed, errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException("invalid training spec: " + errors.get(0), errors);
    }
    String name = spec.getModelName();
    Function<TrainingSource, TrainingRequest> request =
        source -> {
          TrainingRequest.Builder b =
              TrainingRequest.builder(source)
                  .target(name)
                  .seed(seed)
                  .split(split)
                  .imbalance(imbalance)
                  .fixedParameters(fit.hyperparameters())
                  .boosting(fit.boosting())
                  .thresholdBeta(thresholdBeta)
                  .calibration(calibration)
                  .comparison(comparison);
          tuning.ifPresent(b::tuning);
          return b.build();
        };
    return new JobDefinition<>(
        name,
        rows.get().loader(),
        request,
        rows.get().lineage(),
        promotion,
        requestId.isEmpty() ? Optional.empty() : Optional.of(requestId),
        spec);
  }

  private static void checkNames(TrainingSpec spec, String requestId, List<FieldError> errors) {
    String name = spec.getModelName();
    if (!ModelRegistry.isValidName(name)) {
      errors.add(
          new FieldError(
              "spec.model_name",
              "'" + name + "' must match [a-z][a-z0-9-]{0,62}, e.g. purchase-7d"));
    }
    if (spec.getDescription().length() > 1024) {
      errors.add(
          new FieldError(
              "spec.description", spec.getDescription().length() + " characters, at most 1024"));
    }
    if (requestId.length() > 128) {
      errors.add(new FieldError("request_id", requestId.length() + " characters, at most 128"));
    }
  }

  /**
   * Where a job's rows come from.
   *
   * @param loader produces them when the job runs
   * @param timeOrdered whether every row has a time, so they can be split by time
   * @param predefinedSplit whether every row names its part of the split
   * @param lineage the source as the new version's lineage records it
   */
  private record Rows(
      DataLoader loader, boolean timeOrdered, boolean predefinedSplit, LineageSource lineage) {}

  /** The rows of the data source; empty (and an error) when the spec names none. */
  private static Optional<Rows> rows(
      DataSource source,
      FeatureServiceLoaders featureService,
      Path dataDir,
      List<FieldError> errors) {
    return switch (source.getSourceCase()) {
      case FEATURE_SERVICE_TRAINING_SET -> {
        var set = source.getFeatureServiceTrainingSet();
        yield Optional.of(
            new Rows(
                featureService.loader(set),
                true,
                false,
                VersionDetailsProtoMapper.trainingSet(set)));
      }
      case TABULAR_FILE -> Optional.of(tabularFile(source.getTabularFile(), dataDir, errors));
      default -> {
        errors.add(
            new FieldError(
                "spec.data_source", "is required: feature_service_training_set or tabular_file"));
        yield Optional.empty();
      }
    };
  }

  /** The file a client names, below the data directory unless absolute; null when not a path. */
  private static Path resolve(String path, Path dataDir, List<FieldError> errors) {
    try {
      Path p = Path.of(path);
      return p.isAbsolute() ? p : dataDir.resolve(p);
    } catch (InvalidPathException e) {
      errors.add(
          new FieldError(
              "spec.data_source.tabular_file.path",
              "'" + path + "' is not a path on this server: " + e.getReason()));
      return null;
    }
  }

  private static Rows tabularFile(TabularFileSource f, Path dataDir, List<FieldError> errors) {
    String field = "spec.data_source.tabular_file.";
    if (f.getPath().isBlank()) {
      errors.add(new FieldError(field + "path", "is required"));
    }
    if (f.getLabelColumn().isBlank()) {
      errors.add(new FieldError(field + "label_column", "is required"));
    }
    Map<String, FeatureKind> declared = new HashMap<>();
    for (int i = 0; i < f.getColumnsCount(); i++) {
      var c = f.getColumns(i);
      Optional<FeatureKind> kind = featureKind(c.getType());
      if (kind.isEmpty()) {
        errors.add(new FieldError(field + "columns[" + i + "].type", "is required"));
      } else {
        declared.put(c.getName(), kind.get());
      }
    }
    Path resolved = resolve(f.getPath(), dataDir, errors);
    Optional<String> time =
        f.getTimeColumn().isBlank() ? Optional.empty() : Optional.of(f.getTimeColumn());
    Optional<String> splitColumn =
        f.getSplitColumn().isBlank() ? Optional.empty() : Optional.of(f.getSplitColumn());
    CsvOptions options =
        new CsvOptions(
            f.getLabelColumn(),
            declared,
            time,
            f.getIdColumn().isBlank() ? Optional.empty() : Optional.of(f.getIdColumn()),
            new HashSet<>(f.getIgnoredColumnsList()),
            ',',
            CsvOptions.DEFAULT_MAX_CATEGORIES,
            splitColumn);
    return new Rows(
        (progress, cancel) -> new TrainingSource.CsvFile(resolved, options),
        time.isPresent(),
        splitColumn.isPresent(),
        new TabularFile(f.getPath(), "", f.getLabelColumn()));
  }

  private static Optional<FeatureKind> featureKind(propensity.features.v1.FeatureType type) {
    return switch (type) {
      case FEATURE_TYPE_NUMERIC, FEATURE_TYPE_COUNT, FEATURE_TYPE_RATIO ->
          Optional.of(FeatureKind.NUMERIC);
      case FEATURE_TYPE_CATEGORICAL -> Optional.of(FeatureKind.CATEGORICAL);
      case FEATURE_TYPE_BOOLEAN -> Optional.of(FeatureKind.BOOLEAN);
      default -> Optional.empty();
    };
  }

  /** The split; its purge gap is the domain's to set, from the rows' label horizon. */
  private static SplitConfig split(
      SplitSpec split, Optional<Rows> rows, long seed, List<FieldError> errors) {
    double test = split.getTestFraction() == 0 ? 0.2 : split.getTestFraction();
    double validation = split.getValidationFraction() == 0 ? 0.2 : split.getValidationFraction();
    if (test < 0 || test > 0.5) {
      errors.add(new FieldError("spec.split.test_fraction", test + " is outside 0 to 0.5"));
    }
    if (validation < 0 || validation > 0.5) {
      errors.add(
          new FieldError("spec.split.validation_fraction", validation + " is outside 0 to 0.5"));
    }
    boolean predefined = rows.isPresent() && rows.get().predefinedSplit();
    SplitConfig.SplitMode mode =
        switch (split.getStrategy()) {
          case SPLIT_STRATEGY_TIME -> SplitConfig.SplitMode.TIME;
          case SPLIT_STRATEGY_STRATIFIED -> SplitConfig.SplitMode.STRATIFIED;
          default -> predefined ? SplitConfig.SplitMode.PREDEFINED : SplitConfig.SplitMode.AUTO;
        };
    if (predefined && mode != SplitConfig.SplitMode.PREDEFINED) {
      errors.add(
          new FieldError(
              "spec.split.strategy",
              split.getStrategy()
                  + " conflicts with tabular_file.split_column, which fixes the split: leave the"
                  + " strategy unspecified"));
    }
    if (split.getStrategy() == SplitStrategy.SPLIT_STRATEGY_TIME
        && rows.isPresent()
        && !rows.get().timeOrdered()) {
      errors.add(
          new FieldError(
              "spec.split.strategy",
              "TIME needs a feature-service training set or a tabular file with time_column"));
    }
    if (!errors.isEmpty()) {
      return SplitConfig.defaults(seed); // never used: the spec is refused
    }
    return new SplitConfig(mode, test, validation, Duration.ZERO, seed);
  }

  private static ImbalanceStrategy imbalance(ImbalanceSpec spec, List<FieldError> errors) {
    switch (spec.getMethodCase()) {
      case CLASS_WEIGHTS -> {
        if (spec.getClassWeights().getPositiveWeight() != 0) {
          errors.add(
              new FieldError(
                  "spec.imbalance.class_weights.positive_weight",
                  "only 0 (negatives / positives of the training rows) is supported in this version"));
        }
        return ImbalanceStrategy.classWeights();
      }
      case SMOTE -> {
        int k = spec.getSmote().getKNeighbors() == 0 ? 5 : spec.getSmote().getKNeighbors();
        double ratio =
            spec.getSmote().getTargetRatio() == 0 ? 1.0 : spec.getSmote().getTargetRatio();
        if (k < 1 || k > 100) {
          errors.add(
              new FieldError("spec.imbalance.smote.k_neighbors", k + " is outside 1 to 100"));
        } else if (!(ratio > 0 && ratio <= 1)) {
          errors.add(
              new FieldError("spec.imbalance.smote.target_ratio", ratio + " is outside (0, 1]"));
        } else {
          return new ImbalanceStrategy.Smote(k, ratio);
        }
        return ImbalanceStrategy.none();
      }
      default -> {
        return ImbalanceStrategy.none();
      }
    }
  }

  private static EarlyStoppingMetric tuningMetric(TuningSpec t, List<FieldError> errors) {
    return switch (t.getMetric()) {
      case METRIC_UNSPECIFIED, METRIC_ROC_AUC -> EarlyStoppingMetric.AUC;
      case METRIC_LOG_LOSS -> EarlyStoppingMetric.BINARY_LOGLOSS;
      default -> {
        errors.add(
            new FieldError(
                "spec.tuning.metric",
                t.getMetric() + " is not supported: use METRIC_ROC_AUC or METRIC_LOG_LOSS"));
        yield EarlyStoppingMetric.AUC;
      }
    };
  }

  /** The search of a tuned job; empty when the spec is refused. */
  private static Optional<TuningConfig> tuning(TuningSpec t, long seed, List<FieldError> errors) {
    int trials = t.getMaxTrials() == 0 ? 30 : t.getMaxTrials();
    int folds = t.getFolds() == 0 ? 5 : t.getFolds();
    if (trials < 1 || trials > 1000) {
      errors.add(new FieldError("spec.tuning.max_trials", trials + " is outside 1 to 1000"));
    }
    if (folds < 2 || folds > 20) {
      errors.add(new FieldError("spec.tuning.folds", folds + " is outside 2 to 20"));
    }
    Duration budget =
        t.hasTimeBudget() ? EventProtoMapper.duration(t.getTimeBudget()) : Duration.ofDays(1);
    if (budget.isNegative() || budget.isZero()) {
      errors.add(new FieldError("spec.tuning.time_budget", budget + " must be positive"));
    }
    if (!errors.isEmpty()) {
      return Optional.empty();
    }
    SearchMethod method =
        t.getStrategy() == SearchStrategy.SEARCH_STRATEGY_RANDOM
            ? SearchMethod.RANDOM
            : SearchMethod.TPE;
    return Optional.of(
        TuningConfig.defaults(seed).withMethod(method).withBudget(trials, budget).withFolds(folds));
  }

  private static double thresholdBeta(ThresholdSpec threshold, List<FieldError> errors) {
    switch (threshold.getObjective()) {
      case THRESHOLD_OBJECTIVE_UNSPECIFIED, THRESHOLD_OBJECTIVE_F1 -> {
        return 1.0;
      }
      case THRESHOLD_OBJECTIVE_F_BETA -> {
        double beta = threshold.getBeta() == 0 ? 1.0 : threshold.getBeta();
        if (!(beta > 0) || Double.isInfinite(beta)) {
          errors.add(new FieldError("spec.threshold.beta", beta + " must be above 0"));
        }
        return beta;
      }
      default -> {
        errors.add(
            new FieldError(
                "spec.threshold.objective",
                threshold.getObjective()
                    + " is not implemented in this version: use F1 or F_BETA"));
        return 1.0;
      }
    }
  }

  /**
   * The spec's fixed LightGBM parameters (the untuned fit's defaults fill the rest, scaled to the
   * data when the job runs) and the fit's settings.
   */
  private record FitSettings(Map<String, Double> hyperparameters, BoostingSettings boosting) {}

  private static FitSettings fitSettings(
      Map<String, String> fixed,
      boolean tuned,
      EarlyStoppingMetric metric,
      long seed,
      List<FieldError> errors) {
    Map<String, Double> values = new HashMap<>();
    for (Map.Entry<String, String> p : fixed.entrySet()) {
      String field = "spec.fixed_params[" + p.getKey() + "]";
      if (!ALWAYS_FIXABLE.contains(p.getKey()) && !TUNED.contains(p.getKey())) {
        Set<String> allowed = new TreeSet<>(ALWAYS_FIXABLE);
        allowed.addAll(TUNED);
        errors.add(new FieldError(field, "unknown or unsupported parameter; allowed: " + allowed));
        continue;
      }
      if (TUNED.contains(p.getKey()) && tuned) {
        errors.add(
            new FieldError(
                field,
                "a tuned parameter can be fixed only with tuning strategy SEARCH_STRATEGY_NONE"));
        continue;
      }
      try {
        values.put(p.getKey(), Double.parseDouble(p.getValue().trim()));
      } catch (NumberFormatException e) {
        errors.add(new FieldError(field, "'" + p.getValue() + "' is not a number"));
      }
    }
    Map<String, Double> hp = new HashMap<>(values);
    hp.keySet().retainAll(TUNED);
    BoostingSettings boosting = TrainingRequest.defaultBoosting(seed);
    try {
      Hyperparameters.defaults().with(hp); // the ranges, checked before the job is queued
      boosting =
          new BoostingSettings(
              values.getOrDefault("num_iterations", (double) boosting.maxIterations()).intValue(),
              values
                  .getOrDefault("early_stopping_round", (double) boosting.earlyStoppingRounds())
                  .intValue(),
              metric,
              values.getOrDefault("num_threads", (double) boosting.numThreads()).intValue(),
              seed);
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("spec.fixed_params", e.getMessage()));
    }
    return new FitSettings(hp, boosting);
  }

  /** The calibration a spec asks for; unspecified means auto. */
  static CalibrationMethod calibration(
      propensity.training.v1.CalibrationMethod method, List<FieldError> errors) {
    return switch (method) {
      case CALIBRATION_METHOD_UNSPECIFIED, CALIBRATION_METHOD_AUTO -> CalibrationMethod.AUTO;
      case CALIBRATION_METHOD_NONE -> CalibrationMethod.NONE;
      case CALIBRATION_METHOD_PLATT -> CalibrationMethod.PLATT;
      case CALIBRATION_METHOD_ISOTONIC -> CalibrationMethod.ISOTONIC;
      case UNRECOGNIZED -> {
        errors.add(
            new FieldError(
                "spec.calibration",
                "unknown calibration method; use CALIBRATION_METHOD_AUTO, _NONE, _PLATT or"
                    + " _ISOTONIC"));
        yield CalibrationMethod.AUTO;
      }
    };
  }

  static propensity.training.v1.CalibrationMethod toProto(CalibrationMethod m) {
    return switch (m) {
      case AUTO -> propensity.training.v1.CalibrationMethod.CALIBRATION_METHOD_AUTO;
      case NONE -> propensity.training.v1.CalibrationMethod.CALIBRATION_METHOD_NONE;
      case PLATT -> propensity.training.v1.CalibrationMethod.CALIBRATION_METHOD_PLATT;
      case ISOTONIC -> propensity.training.v1.CalibrationMethod.CALIBRATION_METHOD_ISOTONIC;
    };
  }

  private static Optional<JobDefinition.Promotion> promotion(
      PromotionPolicy policy, List<FieldError> errors) {
    if (!policy.hasPromoteIfBetter()) {
      return Optional.empty();
    }
    var p = policy.getPromoteIfBetter();
    String alias = p.getAlias().isEmpty() ? ModelRegistry.PRODUCTION : p.getAlias();
    if (!alias.equals(ModelRegistry.PRODUCTION)) {
      errors.add(
          new FieldError(
              "spec.promotion.promote_if_better.alias", "only 'production' is supported"));
    }
    Metric m =
        switch (p.getMetric()) {
          case METRIC_F1 -> Metric.F1;
          case METRIC_PRECISION -> Metric.PRECISION;
          case METRIC_RECALL -> Metric.RECALL;
          case METRIC_PR_AUC -> Metric.PR_AUC;
          case METRIC_LOG_LOSS -> Metric.LOG_LOSS;
          case METRIC_BRIER -> Metric.BRIER;
          default -> Metric.ROC_AUC;
        };
    if (p.getMinMargin() < 0 || !Double.isFinite(p.getMinMargin())) {
      errors.add(
          new FieldError(
              "spec.promotion.promote_if_better.min_margin", p.getMinMargin() + " must be >= 0"));
    }
    return Optional.of(new JobDefinition.Promotion(m, p.getMinMargin(), alias));
  }

  /** Bootstrap resamples and the recent-purchase rule's days; 0 means the default. */
  private static ComparisonSettings comparison(
      ComparisonSpec spec, long seed, List<FieldError> errors) {
    ComparisonSettings defaults = ComparisonSettings.defaults(seed);
    int resamples =
        spec.getBootstrapResamples() == 0
            ? defaults.bootstrap().resamples()
            : spec.getBootstrapResamples();
    if (resamples < 1 || resamples > BootstrapSettings.MAX_RESAMPLES) {
      errors.add(
          new FieldError(
              "spec.comparison.bootstrap_resamples",
              spec.getBootstrapResamples()
                  + " is outside 0 to "
                  + BootstrapSettings.MAX_RESAMPLES));
      resamples = defaults.bootstrap().resamples();
    }
    int days = spec.getRecentPurchaseDays(); // 0: chosen from the training rows
    if (days < 0 || days > 89) {
      errors.add(
          new FieldError(
              "spec.comparison.recent_purchase_days",
              spec.getRecentPurchaseDays()
                  + " is outside 0 to 89 (purchase recency stops at 90 days)"));
      days = defaults.recentPurchaseDays();
    }
    return new ComparisonSettings(defaults.bootstrap().withResamples(resamples), days);
  }

  static propensity.training.v1.Job toProto(Job<TrainingSpec> j) {
    propensity.training.v1.Job.Builder b =
        propensity.training.v1.Job.newBuilder()
            .setJobId(j.id())
            .setState(toProto(j.state()))
            .setCreatedAt(EventProtoMapper.timestamp(j.createdAt()))
            .setModelName(j.modelName())
            .setSpec(j.spec());
    j.failureReason().ifPresent(b::setFailureReason);
    j.startedAt().ifPresent(t -> b.setStartedAt(EventProtoMapper.timestamp(t)));
    j.finishedAt().ifPresent(t -> b.setFinishedAt(EventProtoMapper.timestamp(t)));
    j.progress().ifPresent(p -> b.setProgress(toProto(p, j.progressAt().orElse(j.createdAt()))));
    j.modelVersion().ifPresent(b::setModelVersion);
    if (j.model().isPresent()) {
      EvaluationSummary.Builder e =
          EvaluationSummary.newBuilder()
              .setModel(summary(j.model().get()))
              .setTestRowCount(j.model().get().rows())
              .setTestPositiveRate(
                  j.model().get().rows() == 0
                      ? 0
                      : (double) j.model().get().positives() / j.model().get().rows());
      j.baseline().ifPresent(base -> e.setBaseline(summary(base)));
      j.calibration().ifPresent(c -> e.setCalibration(summary(c)));
      j.comparison().ifPresent(c -> comparison(e, c));
      b.setEvaluation(e);
    }
    j.promotion()
        .ifPresent(
            p ->
                b.setPromotion(
                    PromotionOutcome.newBuilder()
                        .setPromoted(p.promoted())
                        .setAlias(p.alias())
                        .setPreviousVersion(p.previousVersion())
                        .setReason(p.reason())));
    return b.build();
  }

  /** The intervals, verdict and rules of a comparison, added to the summary {@code e}. */
  private static void comparison(EvaluationSummary.Builder e, ModelComparison c) {
    BootstrapResult b = c.bootstrap();
    e.getModelBuilder().setIntervals(intervals(b.intervals().get(ModelComparison.MODEL)));
    if (e.hasBaseline()) {
      e.getBaselineBuilder().setIntervals(intervals(b.intervals().get(ModelComparison.BASELINE)));
    }
    e.setBaselineDifference(intervals(b.differences().get(ModelComparison.BASELINE)))
        .setVerdict(c.verdict().text())
        .setBeatsBaseline(c.verdict().beatsBaseline())
        .setIntervalMethod(b.describe());
    for (RuleResult rule : c.rules()) {
      RuleSummary.Builder r =
          RuleSummary.newBuilder()
              .setName(rule.name())
              .setDescription(rule.title())
              .setStatus(
                  switch (rule.status()) {
                    case EVALUATED -> ReferenceStatus.REFERENCE_STATUS_EVALUATED;
                    case NOT_APPLICABLE -> ReferenceStatus.REFERENCE_STATUS_NOT_APPLICABLE;
                    case NEVER_FIRES -> ReferenceStatus.REFERENCE_STATUS_NEVER_FIRES;
                  })
              .setNote(rule.note());
      rule.evaluation()
          .ifPresent(
              ev ->
                  r.setMetrics(
                          summary(ev).toBuilder()
                              .setIntervals(intervals(b.intervals().get(rule.name()))))
                      .setModelDifference(intervals(b.differences().get(rule.name()))));
      e.addRules(r);
    }
  }

  /** The defined intervals in contract form. */
  private static MetricIntervals intervals(Map<IntervalMetric, ConfidenceInterval> intervals) {
    return VersionDetailsProtoMapper.intervals(VersionDetails.definedIntervals(intervals));
  }

  private static MetricSummary summary(BinaryEvaluation e) {
    return MetricSummary.newBuilder()
        .setThreshold(e.threshold())
        .setF1(finite(e.f1()))
        .setPrecision(finite(e.precision()))
        .setRecall(finite(e.recall()))
        .setRocAuc(finite(e.rocAuc()))
        .setPrAuc(finite(e.prAuc()))
        .setLogLoss(finite(e.logLoss()))
        .build();
  }

  private static CalibrationSummary summary(CalibrationReport c) {
    return CalibrationSummary.newBuilder()
        .setMethod(toProto(c.model().method()))
        .setReason(c.model().reason())
        .setBrier(finite(c.calibrated().brierScore()))
        .setUncalibratedBrier(finite(c.uncalibrated().brierScore()))
        .setExpectedCalibrationError(finite(c.calibrated().expectedCalibrationError()))
        .setUncalibratedExpectedCalibrationError(
            finite(c.uncalibrated().expectedCalibrationError()))
        .setLogLoss(finite(c.calibrated().logLoss()))
        .setUncalibratedLogLoss(finite(c.uncalibrated().logLoss()))
        .build();
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  static JobProgress toProto(Progress p, java.time.Instant at) {
    JobProgress.Builder b =
        JobProgress.newBuilder()
            .setStage(toProto(p.stage()))
            .setTrial(p.trial())
            .setTrialCount(p.trials())
            .setIteration(p.iteration())
            .setMetricName(p.metricName())
            .setMessage(p.message())
            .setPercent(p.percent())
            .setUpdatedAt(EventProtoMapper.timestamp(at));
    if (!Double.isNaN(p.metricValue())) {
      b.setMetricValue(p.metricValue());
    }
    return b.build();
  }

  static TrainingStage toProto(io.propensity.training.pipeline.Stage s) {
    return switch (s) {
      case LOADING -> TrainingStage.TRAINING_STAGE_LOADING_DATA;
      case SPLITTING -> TrainingStage.TRAINING_STAGE_SPLITTING;
      case BASELINE -> TrainingStage.TRAINING_STAGE_BASELINE;
      case TUNING -> TrainingStage.TRAINING_STAGE_TUNING;
      case TRAINING -> TrainingStage.TRAINING_STAGE_FITTING;
      case EVALUATING -> TrainingStage.TRAINING_STAGE_EVALUATING;
      case EXPLAINING -> TrainingStage.TRAINING_STAGE_EXPLAINING;
      case REPORTING -> TrainingStage.TRAINING_STAGE_REGISTERING;
    };
  }

  static propensity.training.v1.JobState toProto(JobState s) {
    return switch (s) {
      case QUEUED -> propensity.training.v1.JobState.JOB_STATE_QUEUED;
      case RUNNING -> propensity.training.v1.JobState.JOB_STATE_RUNNING;
      case SUCCEEDED -> propensity.training.v1.JobState.JOB_STATE_SUCCEEDED;
      case FAILED -> propensity.training.v1.JobState.JOB_STATE_FAILED;
      case CANCELLED -> propensity.training.v1.JobState.JOB_STATE_CANCELLED;
    };
  }

  static Optional<JobState> fromProto(propensity.training.v1.JobState s) {
    return switch (s) {
      case JOB_STATE_QUEUED -> Optional.of(JobState.QUEUED);
      case JOB_STATE_RUNNING -> Optional.of(JobState.RUNNING);
      case JOB_STATE_SUCCEEDED -> Optional.of(JobState.SUCCEEDED);
      case JOB_STATE_FAILED -> Optional.of(JobState.FAILED);
      case JOB_STATE_CANCELLED -> Optional.of(JobState.CANCELLED);
      default -> Optional.empty();
    };
  }
}
