package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.features.v1.FeatureSource;
import propensity.features.v1.FeatureType;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.registry.v1.Metric;
import propensity.registry.v1.SetAliasRequest;
import propensity.training.v1.CalibrationMethod;
import propensity.training.v1.ClassWeights;
import propensity.training.v1.ColumnSpec;
import propensity.training.v1.ComparisonSpec;
import propensity.training.v1.DataSource;
import propensity.training.v1.ImbalanceSpec;
import propensity.training.v1.Job;
import propensity.training.v1.JobState;
import propensity.training.v1.NoImbalanceHandling;
import propensity.training.v1.PromoteIfBetter;
import propensity.training.v1.PromotionPolicy;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.Smote;
import propensity.training.v1.SplitSpec;
import propensity.training.v1.SplitStrategy;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.TabularFileSource;
import propensity.training.v1.ThresholdObjective;
import propensity.training.v1.ThresholdSpec;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TuningSpec;

/**
 * {@code propensity train}: starts a training job, follows it, prints the evaluation and version.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train a model version, follow the job, print its evaluation.",
      "Data: a point-in-time training set built by feature-service (--target, --horizon,",
      "cutoffs), or from a CSV file with a label column (--csv FILE --label COLUMN). Follows the job's progress,",
      "then prints the test evaluation (LightGBM and baseline) and the registered version.",
      "Exit codes: 0 succeeded, 1 the job failed or was cancelled, 2 bad arguments, 3 refused, 4 unreachable."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Option(
      names = "--model",
      description =
          "model name, e.g. purchase-7d (default: <target>-<horizon> for feature-service data; required with --csv)")
  String model;

  @Option(names = "--description", description = "free text stored on the version")
  String description = "";

  // feature-service training set
  @Option(
      names = "--target",
      defaultValue = "purchase",
      description = "purchase | churn | session-conversion (default ${DEFAULT-VALUE})")
  String target;

  @Option(
      names = "--horizon",
      converter = DurationConverter.class,
      description =
          "label window after each cutoff, 1m to 365d (churn: 30m or more); ignored by"
              + " session-conversion (default 7d)")
  Duration horizon;

  @Option(
      names = "--from",
      description =
          "first cutoff, ISO-8601 or an age like 40d (default: where the events are dense, with"
              + " history before it; see README \"Default cutoffs\")")
  String from;

  @Option(
      names = "--to",
      description =
          "last cutoff, ISO-8601 or an age like 8d (default: the horizon, or the 30m session gap,"
              + " before the dense part of the events ends)")
  String to;

  @Option(
      names = "--step",
      converter = DurationConverter.class,
      description =
          "spacing of cutoffs, 1m or more (default: 1m to 7d, at least 8 intervals over the range)")
  Duration step;

  @Option(
      names = "--sample",
      defaultValue = "0",
      description = "most training-set rows, a seeded uniform sample (default 0 = all)")
  long sample;

  // tabular file
  @Option(
      names = "--csv",
      description =
          "train on this CSV file (header row; the training service must be able to read the path)")
  Path csv;

  @Option(names = "--label", description = "with --csv: the label column (true/false, 1/0, yes/no)")
  String label;

  @Option(
      names = "--time-column",
      description = "with --csv: ISO-8601 time of each row, enables --split time; not a feature")
  String timeColumn;

  @Option(
      names = "--split-column",
      description =
          "with --csv: column naming each row's part, train | validation | test (any case);"
              + " fixes the split, not a feature")
  String splitColumn;

  @Option(
      names = "--id-column",
      description =
          "with --csv: each row's id, e.g. session_id; not a feature, kept with the version's"
              + " golden test rows so they can be found in the file again")
  String idColumn;

  @Option(
      names = "--ignore",
      split = ",",
      description = "with --csv: columns that are not features, e.g. user_id,cutoff")
  List<String> ignore = new ArrayList<>();

  @Option(
      names = "--categorical",
      split = ",",
      description = "with --csv: columns to treat as categorical (others are inferred)")
  List<String> categorical = new ArrayList<>();

  // training
  @Option(
      names = "--split",
      description =
          "time | stratified (default: time for feature-service data and --time-column, else stratified)")
  String split;

  @Option(
      names = "--test-fraction",
      defaultValue = "0",
      description = "held-out test rows, 0 to 0.5 (default 0 = 0.2)")
  double testFraction;

  @Option(
      names = "--imbalance",
      defaultValue = "none",
      description = "none | class-weights | smote (default ${DEFAULT-VALUE})")
  String imbalance;

  @Option(
      names = "--trials",
      defaultValue = "10",
      description = "tuning trials; 0 = no tuning, default parameters (default ${DEFAULT-VALUE})")
  int trials;

  @Option(
      names = "--search",
      defaultValue = "tpe",
      description = "tpe | random (default ${DEFAULT-VALUE})")
  String search;

  @Option(
      names = "--folds",
      defaultValue = "3",
      description = "cross-validation folds when tuning, 2 to 20 (default ${DEFAULT-VALUE})")
  int folds;

  @Option(
      names = "--time-budget",
      converter = DurationConverter.class,
      description = "no new trial starts after this, e.g. 5m")
  Duration timeBudget;

  @Option(
      names = "--threshold-beta",
      defaultValue = "1",
      description = "threshold maximises F-beta on held-out rows (default ${DEFAULT-VALUE} = F1)")
  double beta;

  @Option(
      names = "--calibration",
      defaultValue = "auto",
      description =
          "how raw scores become probabilities, fitted on held-out rows: auto | platt | isotonic"
              + " | none (default ${DEFAULT-VALUE}: isotonic with 100+ positives and negatives, else"
              + " Platt)")
  String calibration;

  @Option(names = "--no-baseline", description = "skip the logistic-regression baseline")
  boolean noBaseline;

  @Option(
      names = "--bootstrap-resamples",
      defaultValue = "0",
      description =
          "bootstrap resamples of the 95%% confidence intervals, up to 100000 (default 0 = 1000)")
  int bootstrapResamples;

  @Option(
      names = "--recent-purchase-days",
      defaultValue = "0",
      description =
          "N of the naive rule \"bought in the last N days\", 1 to 89 (default 0 = 30, or the"
              + " training rows' median purchase recency when 30 fires on every row or none)")
  int recentPurchaseDays;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "seed of every random choice (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--param",
      description = "fixed LightGBM parameter name=value, e.g. num_threads=2 (repeatable)")
  Map<String, String> params = new LinkedHashMap<>();

  // promotion
  @Option(
      names = "--promote",
      description = "when the job succeeds, point the alias (production) at the new version")
  boolean promote;

  @Option(
      names = "--promote-if-better",
      description =
          "let the job promote the new version only if it beats the alias's version, and its own"
              + " logistic baseline on the metric by more than the 95%% confidence interval")
  boolean promoteIfBetter;

  @Option(
      names = "--promote-metric",
      defaultValue = "pr-auc",
      description =
          "with --promote-if-better: pr-auc | roc-auc | f1 | log-loss | brier (default ${DEFAULT-VALUE})")
  String promoteMetric;

  @Option(
      names = "--min-margin",
      defaultValue = "0",
      description = "with --promote-if-better: least improvement (default ${DEFAULT-VALUE})")
  double minMargin;

  @Option(
      names = "--alias",
      defaultValue = "production",
      description = "alias set by --promote / --promote-if-better (default ${DEFAULT-VALUE})")
  String alias;

  @Option(
      names = "--detach",
      description = "print the job id and return at once (follow with `propensity jobs show ID`)")
  boolean detach;

  @Option(
      names = "--timeout",
      defaultValue = "2h",
      converter = DurationConverter.class,
      description = "how long to follow the job (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (promote && promoteIfBetter) {
      throw new CliException("--promote and --promote-if-better exclude each other", 2);
    }
    try (Endpoints closing = endpoints) {
      TrainingSpec.Builder s =
          TrainingSpec.newBuilder()
              .setDescription(description)
              .setSeed(seed)
              .putAllFixedParams(params);
      if (csv != null) {
        tabular(s);
      } else {
        if (label != null
            || timeColumn != null
            || splitColumn != null
            || idColumn != null
            || !ignore.isEmpty()
            || !categorical.isEmpty()) {
          throw new CliException(
              "--label, --time-column, --split-column, --id-column, --ignore and --categorical"
                  + " go with --csv",
              2);
        }
        featureServiceSet(s, out);
      }
      options(s);
      String name = s.getModelName();
      out.printf("training %s on %s%n", name, csv != null ? csv : "a feature-service training set");
      out.flush();
      var started =
          endpoints
              .trainingClient()
              .startTraining(StartTrainingRequest.newBuilder().setSpec(s).build());
      out.println("job " + started.getJobId());
      out.flush();
      if (detach) {
        return 0;
      }
      Job job = Jobs.follow(endpoints.trainingClient(), started.getJobId(), timeout, out, "  ");
      Jobs.printOutcome(job, out);
      if (job.getState() != JobState.JOB_STATE_SUCCEEDED) {
        return 1;
      }
      // a table's model is PROVIDED, a feature-service training set's ENGINE (the registry's rule)
      out.println(
          "features: "
              + Show.featureSource(
                  csv != null
                      ? FeatureSource.FEATURE_SOURCE_PROVIDED
                      : FeatureSource.FEATURE_SOURCE_ENGINE));
      if (promote) {
        var r =
            endpoints
                .registryClient()
                .setAlias(
                    SetAliasRequest.newBuilder()
                        .setName(job.getModelName())
                        .setAlias(alias)
                        .setVersion(job.getModelVersion())
                        .build());
        out.printf(
            "%s of %s now points at version %d (was %s)%n",
            alias,
            job.getModelName(),
            r.getModelVersion().getVersion(),
            r.getPreviousVersion() == 0 ? "unset" : "version " + r.getPreviousVersion());
      }
      out.flush();
      return 0;
    }
  }

  private void tabular(TrainingSpec.Builder s) {
    if (label == null || label.isBlank()) {
      throw new CliException("--csv needs --label <column>: the column holding the label", 2);
    }
    if (model == null) {
      throw new CliException("--csv needs --model <name>, e.g. --model churn-30d", 2);
    }
    // a file the CLI can see is sent as an absolute path (the service runs on this machine);
    // otherwise the path is the service's (relative to its data directory)
    String path =
        Files.isReadable(csv) ? csv.toAbsolutePath().normalize().toString() : csv.toString();
    TabularFileSource.Builder f =
        TabularFileSource.newBuilder()
            .setPath(path)
            .setLabelColumn(label)
            .addAllIgnoredColumns(ignore);
    if (timeColumn != null) {
      f.setTimeColumn(timeColumn);
    }
    if (idColumn != null) {
      f.setIdColumn(idColumn);
    }
    if (splitColumn != null) {
      if (split != null || testFraction != 0) {
        throw new CliException(
            "--split-column fixes the split: leave out --split and --test-fraction", 2);
      }
      f.setSplitColumn(splitColumn);
    }
    for (String c : categorical) {
      f.addColumns(
          ColumnSpec.newBuilder().setName(c).setType(FeatureType.FEATURE_TYPE_CATEGORICAL));
    }
    s.setModelName(model).setDataSource(DataSource.newBuilder().setTabularFile(f));
  }

  private void featureServiceSet(TrainingSpec.Builder s, PrintWriter out) {
    Target t = Args.target(target);
    TrainingSetSpec.Builder set =
        TrainingSetRequests.spec(endpoints, t, horizon, from, to, step, out)
            .setSampleLimit(sample)
            .setSeed(seed);
    String name =
        model != null
            ? model
            : TrainingSetRequests.engineTarget(t).usesHorizon()
                ? Args.targetName(t)
                    + "-"
                    + DurationConverter.format(TrainingSetRequests.horizonOrDefault(horizon))
                : Args.targetName(t);
    s.setModelName(name).setDataSource(DataSource.newBuilder().setFeatureServiceTrainingSet(set));
  }

  private void options(TrainingSpec.Builder s) {
    if (split != null) {
      s.setSplit(
          SplitSpec.newBuilder()
              .setTestFraction(testFraction)
              .setStrategy(
                  switch (split.toLowerCase(Locale.ROOT)) {
                    case "time" -> SplitStrategy.SPLIT_STRATEGY_TIME;
                    case "stratified" -> SplitStrategy.SPLIT_STRATEGY_STRATIFIED;
                    default ->
                        throw new CliException(
                            "--split " + split + " is not one of time, stratified", 2);
                  }));
    } else if (testFraction != 0) {
      s.setSplit(SplitSpec.newBuilder().setTestFraction(testFraction));
    }
    s.setImbalance(
        switch (imbalance.toLowerCase(Locale.ROOT)) {
          case "none" ->
              ImbalanceSpec.newBuilder().setNone(NoImbalanceHandling.getDefaultInstance()).build();
          case "class-weights", "weights" ->
              ImbalanceSpec.newBuilder().setClassWeights(ClassWeights.getDefaultInstance()).build();
          case "smote" -> ImbalanceSpec.newBuilder().setSmote(Smote.getDefaultInstance()).build();
          default ->
              throw new CliException(
                  "--imbalance " + imbalance + " is not one of none, class-weights, smote", 2);
        });
    if (trials < 0) {
      throw new CliException("--trials " + trials + " is negative", 2);
    }
    TuningSpec.Builder tuning = TuningSpec.newBuilder();
    if (trials == 0) {
      tuning.setStrategy(SearchStrategy.SEARCH_STRATEGY_NONE);
    } else {
      tuning
          .setMaxTrials(trials)
          .setFolds(folds)
          .setStrategy(
              switch (search.toLowerCase(Locale.ROOT)) {
                case "tpe" -> SearchStrategy.SEARCH_STRATEGY_TPE;
                case "random" -> SearchStrategy.SEARCH_STRATEGY_RANDOM;
                default ->
                    throw new CliException("--search " + search + " is not one of tpe, random", 2);
              });
      if (timeBudget != null) {
        tuning.setTimeBudget(EventProtoMapper.duration(Args.positive("--time-budget", timeBudget)));
      }
    }
    s.setTuning(tuning);
    if (beta != 1) {
      s.setThreshold(
          ThresholdSpec.newBuilder()
              .setObjective(ThresholdObjective.THRESHOLD_OBJECTIVE_F_BETA)
              .setBeta(beta));
    }
    s.setCalibration(calibration(calibration));
    if (noBaseline) {
      s.setTrainBaseline(false);
    }
    if (bootstrapResamples != 0 || recentPurchaseDays != 0) {
      // the service checks the ranges and names the field
      s.setComparison(
          ComparisonSpec.newBuilder()
              .setBootstrapResamples(bootstrapResamples)
              .setRecentPurchaseDays(recentPurchaseDays));
    }
    if (promoteIfBetter) {
      s.setPromotion(
          PromotionPolicy.newBuilder()
              .setPromoteIfBetter(
                  PromoteIfBetter.newBuilder()
                      .setMetric(metric(promoteMetric))
                      .setMinMargin(minMargin)
                      .setAlias(alias)));
    }
  }

  static CalibrationMethod calibration(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "auto" -> CalibrationMethod.CALIBRATION_METHOD_AUTO;
      case "platt" -> CalibrationMethod.CALIBRATION_METHOD_PLATT;
      case "isotonic" -> CalibrationMethod.CALIBRATION_METHOD_ISOTONIC;
      case "none" -> CalibrationMethod.CALIBRATION_METHOD_NONE;
      default ->
          throw new CliException(
              "--calibration " + name + " is not one of auto, platt, isotonic, none", 2);
    };
  }

  static Metric metric(String name) {
    return switch (name.toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "pr-auc" -> Metric.METRIC_PR_AUC;
      case "roc-auc" -> Metric.METRIC_ROC_AUC;
      case "f1" -> Metric.METRIC_F1;
      case "precision" -> Metric.METRIC_PRECISION;
      case "recall" -> Metric.METRIC_RECALL;
      case "log-loss" -> Metric.METRIC_LOG_LOSS;
      case "brier" -> Metric.METRIC_BRIER;
      default ->
          throw new CliException(
              "metric "
                  + name
                  + " is not one of pr-auc, roc-auc, f1, precision, recall, log-loss, brier",
              2);
    };
  }
}
