package io.propensity.training.pipeline;

import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.training.pipeline.comparison.ComparisonSettings;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.model.LogisticBaseline;
import io.propensity.training.pipeline.split.SplitConfig;
import io.propensity.training.pipeline.tuning.TuningConfig;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a training run needs. Build with {@link #builder(TrainingSource)}; every setting has a
 * default that works.
 *
 * @param source where the rows come from
 * @param target the model's name (e.g. {@code purchase_7d}), for the report
 * @param split how to split train/validation/test; its purge gap is at least the source's label
 *     horizon, so no training label covers the test period
 * @param imbalance how to counter class imbalance in fitting rows
 * @param tuning hyperparameter search, or empty to fit once with {@code hyperparameters}
 * @param hyperparameters LightGBM parameters when not tuning, or empty for conservative ones scaled
 *     to the training rows ({@link Hyperparameters#forData})
 * @param fixedParameters LightGBM parameters by name ({@link Hyperparameters#NAMES}) that replace
 *     those of the untuned fit (e.g. a user's {@code num_leaves=15}); only without tuning
 * @param boosting iterations, early stopping, threads and seed of the final fit
 * @param baseline the logistic-regression baseline's settings
 * @param thresholdBeta the threshold maximises F-β on held-out rows; 1 = F1
 * @param calibration how the model's raw scores become probabilities, fitted on held-out scores
 *     (the threshold is then chosen on the same rows' calibrated probabilities)
 * @param refitOnTrainAndValidation refit the final model on train + validation with the rounds
 *     found by cross-validation or on validation; its calibration and threshold then come from
 *     out-of-fold scores of train + validation (cross-fitting) unless the rows are split by time;
 *     without the refit or with a time split, from the validation rows scored by the model fitted
 *     on train only
 * @param goldenRows test rows stored with their expected probabilities
 * @param shapRows test rows explained at most (a seeded sample)
 * @param shapPointsPerFeature beeswarm points per feature
 * @param dependencePlots features with a dependence plot
 * @param seed the run's seed (splits, SMOTE, baseline, LightGBM, tuning)
 * @param comparison how the model is compared with the baseline and the naive rules on the test
 *     rows (bootstrap intervals, rule settings)
 */
public record TrainingRequest(
    TrainingSource source,
    String target,
    SplitConfig split,
    ImbalanceStrategy imbalance,
    Optional<TuningConfig> tuning,
    Optional<Hyperparameters> hyperparameters,
    Map<String, Double> fixedParameters,
    BoostingSettings boosting,
    LogisticBaseline.Settings baseline,
    double thresholdBeta,
    CalibrationMethod calibration,
    boolean refitOnTrainAndValidation,
    int goldenRows,
    int shapRows,
    int shapPointsPerFeature,
    int dependencePlots,
    long seed,
    ComparisonSettings comparison) {

  public TrainingRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(split, "split");
    // A label reaches `horizon` past its row's cutoff: keep that gap between train and test rows.
    split = split.withPurgeGapAtLeast(source.labelHorizon());
    Objects.requireNonNull(imbalance, "imbalance");
    Objects.requireNonNull(tuning, "tuning");
    Objects.requireNonNull(hyperparameters, "hyperparameters");
    fixedParameters =
        java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(fixedParameters));
    if (!fixedParameters.isEmpty()) {
      if (tuning.isPresent()) {
        throw new IllegalArgumentException(
            "LightGBM parameters can be fixed only without tuning: " + fixedParameters.keySet());
      }
      Hyperparameters.defaults().with(fixedParameters); // names and ranges, checked up front
    }
    Objects.requireNonNull(boosting, "boosting");
    Objects.requireNonNull(baseline, "baseline");
    if (!(thresholdBeta > 0) || Double.isInfinite(thresholdBeta)) {
      throw new IllegalArgumentException("thresholdBeta must be a positive number");
    }
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(comparison, "comparison");
    if (goldenRows < 0 || shapRows < 1 || shapPointsPerFeature < 1 || dependencePlots < 0) {
      throw new IllegalArgumentException(
          "goldenRows/dependencePlots >= 0, shapRows/shapPointsPerFeature >= 1");
    }
  }

  /** The seed of a request that sets none. */
  public static final long DEFAULT_SEED = 42;

  /** The boosting settings of a request that sets none: the defaults, one thread per core. */
  public static BoostingSettings defaultBoosting(long seed) {
    return BoostingSettings.defaults(seed)
        .withThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The hyperparameters of the untuned fit on {@code rows} training rows of which {@code positives}
   * are positive: the given ones or the data-scaled defaults, with the fixed parameters applied.
   */
  public Hyperparameters untunedHyperparameters(int rows, int positives) {
    return hyperparameters
        .orElseGet(() -> Hyperparameters.forData(rows, positives))
        .with(fixedParameters);
  }

  /** The number of cross-validation folds the data must support (2 when not tuning). */
  public int requiredFolds() {
    return tuning.map(TuningConfig::folds).orElse(2);
  }

  public static Builder builder(TrainingSource source) {
    return new Builder(source);
  }

  /** Builds a request; unset settings keep their defaults. */
  public static final class Builder {
    private final TrainingSource source;
    private String target = "propensity";
    private long seed = DEFAULT_SEED;
    private SplitConfig split;
    private ImbalanceStrategy imbalance = ImbalanceStrategy.none();
    private TuningConfig tuning;
    private Hyperparameters hyperparameters;
    private Map<String, Double> fixedParameters = Map.of();
    private BoostingSettings boosting;
    private LogisticBaseline.Settings baseline;
    private double thresholdBeta = 1.0;
    private CalibrationMethod calibration = CalibrationMethod.AUTO;
    private boolean refit = true;
    private int goldenRows = 20;
    private int shapRows = 2000;
    private int shapPointsPerFeature = 300;
    private int dependencePlots = 4;
    private ComparisonSettings comparison;

    private Builder(TrainingSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    public Builder target(String t) {
      this.target = t;
      return this;
    }

    /** The seed of every random choice; settings not given explicitly derive from it. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder split(SplitConfig s) {
      this.split = s;
      return this;
    }

    public Builder imbalance(ImbalanceStrategy s) {
      this.imbalance = s;
      return this;
    }

    public Builder tuning(TuningConfig t) {
      this.tuning = t;
      return this;
    }

    /** Fits with exactly these parameters when not tuning (instead of data-scaled ones). */
    public Builder hyperparameters(Hyperparameters h) {
      this.hyperparameters = h;
      return this;
    }

    /** LightGBM parameters by name that replace those of the untuned fit. */
    public Builder fixedParameters(Map<String, Double> named) {
      this.fixedParameters = Map.copyOf(named);
      return this;
    }

    public Builder boosting(BoostingSettings b) {
      this.boosting = b;
      return this;
    }

    public Builder baseline(LogisticBaseline.Settings b) {
      this.baseline = b;
      return this;
    }

    public Builder thresholdBeta(double beta) {
      this.thresholdBeta = beta;
      return this;
    }

    /** How to calibrate the model's probabilities; {@link CalibrationMethod#AUTO} by default. */
    public Builder calibration(CalibrationMethod c) {
      this.calibration = c;
      return this;
    }

    public Builder refitOnTrainAndValidation(boolean r) {
      this.refit = r;
      return this;
    }

    public Builder goldenRows(int n) {
      this.goldenRows = n;
      return this;
    }

    public Builder shap(int rows, int pointsPerFeature, int dependence) {
      this.shapRows = rows;
      this.shapPointsPerFeature = pointsPerFeature;
      this.dependencePlots = dependence;
      return this;
    }

    /** Bootstrap and naive-rule settings of the comparison on the test rows. */
    public Builder comparison(ComparisonSettings c) {
      this.comparison = c;
      return this;
    }

    public TrainingRequest build() {
      return new TrainingRequest(
          source,
          target,
          split != null ? split : SplitConfig.defaults(seed),
          imbalance,
          Optional.ofNullable(tuning),
          Optional.ofNullable(hyperparameters),
          fixedParameters,
          boosting != null ? boosting : defaultBoosting(seed),
          baseline != null ? baseline : LogisticBaseline.Settings.defaults(seed),
          thresholdBeta,
          calibration,
          refit,
          goldenRows,
          shapRows,
          shapPointsPerFeature,
          dependencePlots,
          seed,
          comparison != null ? comparison : ComparisonSettings.defaults(seed));
    }
  }
}
