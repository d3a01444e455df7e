package io.propensity.runtime.explain;

/**
 * A feature's global importance.
 *
 * @param feature the feature name
 * @param meanAbsShap mean |SHAP value| over the explained rows, in log-odds
 */
public record FeatureImportance(String feature, double meanAbsShap) {}
