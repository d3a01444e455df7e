package io.propensity.training.grpc;

import io.propensity.client.EventProtoMapper;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.training.jobs.DataLoader;
import io.propensity.training.jobs.Job;
import io.propensity.training.jobs.JobDefinition;
import io.propensity.training.jobs.JobState;
import io.propensity.training.pipeline.Progress;
import io.propensity.training.pipeline.TrainingRequest;
import io.propensity.training.pipeline.TrainingSource;
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
import java.util.function.Function;
import propensity.training.v1.EvaluationSummary;
import propensity.training.v1.JobProgress;
import propensity.training.v1.MetricSummary;
import propensity.training.v1.PromotionOutcome;
import propensity.training.v1.SplitStrategy;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TrainingStage;

/** Translates training.v1 messages to job definitions and job snapshots back to messages. */
final class TrainingProtoMapper {
  private static final Set<String> ALWAYS_FIXABLE =
      Set.of("num_iterations", "num_threads", "early_stopping_round");
  private static final Set<String> TUNED =
      Set.of(
          "num_leaves",
          "learning_rate",
          "min_data_in_leaf",
          "feature_fraction",
          "bagging_fraction",
          "bagging_freq",
          "lambda_l1",
          "lambda_l2");

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
  static JobDefinition toDefinition(
      TrainingSpec spec, String requestId, FeatureServiceLoaders featureService, Path dataDir) {
    List<FieldError> errors = new ArrayList<>();
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
    long seed = spec.getSeed() == 0 ? 42 : spec.getSeed();

    // data source
    DataLoader loader = null;
    boolean timeOrdered = false;
    switch (spec.getDataSource().getSourceCase()) {
      case FEATURE_SERVICE_TRAINING_SET -> {
        loader = featureService.loader(spec.getDataSource().getFeatureServiceTrainingSet());
        timeOrdered = true;
      }
      case TABULAR_FILE -> {
        var f = spec.getDataSource().getTabularFile();
        if (f.getPath().isBlank()) {
          errors.add(new FieldError("spec.data_source.tabular_file.path", "is required"));
        }
        if (f.getLabelColumn().isBlank()) {
          errors.add(new FieldError("spec.data_source.tabular_file.label_column", "is required"));
        }
        Map<String, FeatureKind> declared = new HashMap<>();
        for (int i = 0; i < f.getColumnsCount(); i++) {
          var c = f.getColumns(i);
          FeatureKind kind =
              switch (c.getType()) {
                case FEATURE_TYPE_NUMERIC, FEATURE_TYPE_COUNT, FEATURE_TYPE_RATIO ->
                    FeatureKind.NUMERIC;
                case FEATURE_TYPE_CATEGORICAL -> FeatureKind.CATEGORICAL;
                case FEATURE_TYPE_BOOLEAN -> FeatureKind.BOOLEAN;
                default -> null;
              };
          if (kind == null) {
            errors.add(
                new FieldError(
                    "spec.data_source.tabular_file.columns[" + i + "].type", "is required"));
          } else {
            declared.put(c.getName(), kind);
          }
        }
        Path resolved = resolve(f.getPath(), dataDir, errors);
        Optional<String> time =
            f.getTimeColumn().isBlank() ? Optional.empty() : Optional.of(f.getTimeColumn());
        timeOrdered = time.isPresent();
        CsvOptions options =
            new CsvOptions(
                f.getLabelColumn(),
                declared,
                time,
                Optional.empty(),
                new HashSet<>(f.getIgnoredColumnsList()),
                ',',
                CsvOptions.DEFAULT_MAX_CATEGORIES);
        loader = (progress, cancel) -> new TrainingSource.CsvFile(resolved, options);
      }
      default ->
          errors.add(
              new FieldError(
                  "spec.data_source", "is required: feature_service_training_set or tabular_file"));
    }

    // split
    var split = spec.getSplit();
    double test = split.getTestFraction() == 0 ? 0.2 : split.getTestFraction();
    double validation = split.getValidationFraction() == 0 ? 0.2 : split.getValidationFraction();
    if (test < 0 || test > 0.5) {
      errors.add(new FieldError("spec.split.test_fraction", test + " is outside 0 to 0.5"));
    }
    if (validation < 0 || validation > 0.5) {
      errors.add(
          new FieldError("spec.split.validation_fraction", validation + " is outside 0 to 0.5"));
    }
    SplitConfig.SplitMode mode =
        switch (split.getStrategy()) {
          case SPLIT_STRATEGY_TIME -> SplitConfig.SplitMode.TIME;
          case SPLIT_STRATEGY_STRATIFIED -> SplitConfig.SplitMode.STRATIFIED;
          default -> SplitConfig.SplitMode.AUTO;
        };
    if (split.getStrategy() == SplitStrategy.SPLIT_STRATEGY_TIME
        && !timeOrdered
        && loader != null) {
      errors.add(
          new FieldError(
              "spec.split.strategy",
              "TIME needs a feature-service training set or a tabular file with time_column"));
    }

    // imbalance
    ImbalanceStrategy imbalance = ImbalanceStrategy.none();
    switch (spec.getImbalance().getMethodCase()) {
      case CLASS_WEIGHTS -> {
        if (spec.getImbalance().getClassWeights().getPositiveWeight() != 0) {
          errors.add(
              new FieldError(
                  "spec.imbalance.class_weights.positive_weight",
                  "only 0 (negatives / positives of the training rows) is supported in this version"));
        }
        imbalance = ImbalanceStrategy.classWeights();
      }
      case SMOTE -> {
        int k =
            spec.getImbalance().getSmote().getKNeighbors() == 0
                ? 5
                : spec.getImbalance().getSmote().getKNeighbors();
        double ratio =
            spec.getImbalance().getSmote().getTargetRatio() == 0
                ? 1.0
                : spec.getImbalance().getSmote().getTargetRatio();
        if (k < 1 || k > 100) {
          errors.add(
              new FieldError("spec.imbalance.smote.k_neighbors", k + " is outside 1 to 100"));
        } else if (!(ratio > 0 && ratio <= 1)) {
          errors.add(
              new FieldError("spec.imbalance.smote.target_ratio", ratio + " is outside (0, 1]"));
        } else {
          imbalance = new ImbalanceStrategy.Smote(k, ratio);
        }
      }
      default -> {}
    }

    // tuning
    var t = spec.getTuning();
    Optional<TuningConfig> tuning = Optional.empty();
    EarlyStoppingMetric metric = EarlyStoppingMetric.AUC;
    switch (t.getMetric()) {
      case METRIC_UNSPECIFIED, METRIC_ROC_AUC -> metric = EarlyStoppingMetric.AUC;
      case METRIC_LOG_LOSS -> metric = EarlyStoppingMetric.BINARY_LOGLOSS;
      default ->
          errors.add(
              new FieldError(
                  "spec.tuning.metric",
                  t.getMetric() + " is not supported: use METRIC_ROC_AUC or METRIC_LOG_LOSS"));
    }
    boolean tuned = t.getStrategy() != propensity.training.v1.SearchStrategy.SEARCH_STRATEGY_NONE;
    if (tuned) {
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
      SearchMethod method =
          t.getStrategy() == propensity.training.v1.SearchStrategy.SEARCH_STRATEGY_RANDOM
              ? SearchMethod.RANDOM
              : SearchMethod.TPE;
      if (errors.isEmpty()) {
        tuning =
            Optional.of(
                TuningConfig.defaults(seed)
                    .withMethod(method)
                    .withBudget(trials, budget)
                    .withFolds(folds));
      }
    }

    // threshold
    double beta = 1.0;
    switch (spec.getThreshold().getObjective()) {
      case THRESHOLD_OBJECTIVE_UNSPECIFIED, THRESHOLD_OBJECTIVE_F1 -> beta = 1.0;
      case THRESHOLD_OBJECTIVE_F_BETA -> {
        beta = spec.getThreshold().getBeta() == 0 ? 1.0 : spec.getThreshold().getBeta();
        if (!(beta > 0) || Double.isInfinite(beta)) {
          errors.add(new FieldError("spec.threshold.beta", beta + " must be above 0"));
        }
      }
      default ->
          errors.add(
              new FieldError(
                  "spec.threshold.objective",
                  spec.getThreshold().getObjective()
                      + " is not implemented in this version: use F1 or F_BETA"));
    }

    // fixed params
    Hyperparameters hp = Hyperparameters.defaults();
    BoostingSettings boosting =
        BoostingSettings.defaults(seed)
            .withThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
    Map<String, String> fixed = spec.getFixedParamsMap();
    Map<String, Double> values = new HashMap<>();
    for (Map.Entry<String, String> p : fixed.entrySet()) {
      String field = "spec.fixed_params[" + p.getKey() + "]";
      if (!ALWAYS_FIXABLE.contains(p.getKey()) && !TUNED.contains(p.getKey())) {
        errors.add(
            new FieldError(
                field,
                "unknown or unsupported parameter; allowed: " + new java.util.TreeSet<>(union())));
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
    try {
      hp =
          new Hyperparameters(
              values.getOrDefault("num_leaves", (double) hp.numLeaves()).intValue(),
              values.getOrDefault("learning_rate", hp.learningRate()),
              values.getOrDefault("min_data_in_leaf", (double) hp.minDataInLeaf()).intValue(),
              values.getOrDefault("feature_fraction", hp.featureFraction()),
              values.getOrDefault("bagging_fraction", hp.baggingFraction()),
              values.getOrDefault("bagging_freq", (double) hp.baggingFreq()).intValue(),
              values.getOrDefault("lambda_l1", hp.lambdaL1()),
              values.getOrDefault("lambda_l2", hp.lambdaL2()));
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

    // promotion
    Optional<JobDefinition.Promotion> promotion = Optional.empty();
    if (spec.getPromotion().hasPromoteIfBetter()) {
      var p = spec.getPromotion().getPromoteIfBetter();
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
      promotion = Optional.of(new JobDefinition.Promotion(m, p.getMinMargin(), alias));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException("invalid training spec: " + errors.get(0), errors);
    }
    ImbalanceStrategy imb = imbalance;
    Optional<TuningConfig> tun = tuning;
    Hyperparameters params = hp;
    BoostingSettings boost = boosting;
    double thresholdBeta = beta;
    // A label window reaches `horizon` past its cutoff: keep that gap between train and test rows
    // so
    // no training label covers the test period.
    Duration purge =
        spec.getDataSource().hasFeatureServiceTrainingSet()
            ? EventProtoMapper.duration(
                spec.getDataSource().getFeatureServiceTrainingSet().getHorizon())
            : Duration.ZERO;
    SplitConfig splitConfig =
        new SplitConfig(mode, test, validation, purge.isNegative() ? Duration.ZERO : purge, seed);
    Function<TrainingSource, TrainingRequest> request =
        source -> {
          TrainingRequest.Builder b =
              TrainingRequest.builder(source)
                  .target(name)
                  .seed(seed)
                  .split(splitConfig)
                  .imbalance(imb)
                  .hyperparameters(params)
                  .boosting(boost)
                  .thresholdBeta(thresholdBeta);
          tun.ifPresent(b::tuning);
          return b.build();
        };
    return new JobDefinition(
        name,
        loader,
        request,
        promotion,
        requestId.isEmpty() ? Optional.empty() : Optional.of(requestId),
        spec.toByteArray());
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

  private static Set<String> union() {
    Set<String> all = new HashSet<>(ALWAYS_FIXABLE);
    all.addAll(TUNED);
    return all;
  }

  static propensity.training.v1.Job toProto(Job j) {
    propensity.training.v1.Job.Builder b =
        propensity.training.v1.Job.newBuilder()
            .setJobId(j.id())
            .setState(toProto(j.state()))
            .setCreatedAt(EventProtoMapper.timestamp(j.createdAt()))
            .setModelName(j.modelName());
    try {
      b.setSpec(TrainingSpec.parseFrom(j.specDetails()));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      // the spec is ours: it always parses
    }
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
