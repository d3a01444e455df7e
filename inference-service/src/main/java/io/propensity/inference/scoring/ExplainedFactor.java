package io.propensity.inference.scoring;

/**
 * One feature's part in a prediction.
 *
 * @param feature feature name
 * @param value the feature's value (NaN = missing)
 * @param contribution SHAP contribution in log-odds
 * @param description the value rendered for people, e.g. {@code Sessions in the last 7 days: 3
 *     (raises)}
 */
public record ExplainedFactor(
    String feature, double value, double contribution, String description) {}
