package io.propensity.training.pipeline;

import io.propensity.runtime.explain.FeatureImportance;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.runtime.metrics.ThresholdChoice;
import io.propensity.training.pipeline.comparison.ModelComparison;
import io.propensity.training.pipeline.data.CategoricalVocabulary;
import io.propensity.training.pipeline.data.ConstantFeatures;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.tuning.TuningResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a model registry version needs from one training run.
 *
 * @param target the model's name
 * @param modelText the final LightGBM model, text format
 * @param featureNames feature names in schema order (a scoring row must follow this order)
 * @param featureKinds the kind of each feature
 * @param vocabularies code ↔ value of categorical features, by feature name
 * @param modelFeatureNames the names inside {@code modelText} (sanitised for LightGBM)
 * @param threshold the decision threshold (predict positive when probability ≥ threshold)
 * @param thresholdChoice how the threshold did on the held-out rows it was chosen on
 * @param modelEvaluation the final model on the test rows at {@code threshold}
 * @param baselineEvaluation the baseline on the test rows at its own validation-chosen threshold
 * @param baselineDescription what the baseline is
 * @param hyperparameters the LightGBM hyperparameters of the final model
 * @param params every LightGBM parameter of the final fit
 * @param iterations boosting iterations in the final model
 * @param calibration how raw scores become probabilities (fitted on validation), with the test
 *     rows' reliability before and after
 * @param lineage data, split and seed
 * @param goldenRows test rows with the probabilities the model must reproduce
 * @param importances mean |SHAP| per feature on test rows, most important first
 * @param shap SHAP summary and dependence data
 * @param tuning the hyperparameter search, when one ran
 * @param reportHtml a self-contained HTML report
 * @param timings wall-clock time per stage, in stage order
 * @param totalTime wall-clock time of the whole run
 * @param constantFeatures features constant (left out of the baseline; LightGBM cannot split on
 *     them) or almost constant in the training and validation rows; also in the lineage's notes
 * @param comparison bootstrap intervals of the model, the baseline and the naive rules on the test
 *     rows, the model's paired lead over each, and the verdict against the baseline
 */
public record TrainingResult(
    String target,
    String modelText,
    List<String> featureNames,
    List<FeatureKind> featureKinds,
    Map<String, CategoricalVocabulary> vocabularies,
    List<String> modelFeatureNames,
    double threshold,
    ThresholdChoice thresholdChoice,
    BinaryEvaluation modelEvaluation,
    BinaryEvaluation baselineEvaluation,
    String baselineDescription,
    Hyperparameters hyperparameters,
    Map<String, String> params,
    int iterations,
    CalibrationReport calibration,
    Lineage lineage,
    List<GoldenRow> goldenRows,
    List<FeatureImportance> importances,
    ShapSummary shap,
    Optional<TuningResult> tuning,
    String reportHtml,
    Map<Stage, Duration> timings,
    Duration totalTime,
    ConstantFeatures constantFeatures,
    ModelComparison comparison) {

  public TrainingResult {
    java.util.Objects.requireNonNull(calibration, "calibration");
    featureNames = List.copyOf(featureNames);
    featureKinds = List.copyOf(featureKinds);
    vocabularies =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vocabularies));
    modelFeatureNames = List.copyOf(modelFeatureNames);
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    goldenRows = List.copyOf(goldenRows);
    importances = List.copyOf(importances);
    java.util.EnumMap<Stage, Duration> t = new java.util.EnumMap<>(Stage.class);
    t.putAll(timings);
    timings = java.util.Collections.unmodifiableMap(t);
    java.util.Objects.requireNonNull(constantFeatures, "constantFeatures");
    java.util.Objects.requireNonNull(comparison, "comparison");
  }
}
