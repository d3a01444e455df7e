package io.propensity.runtime.explain;

/**
 * One feature's part in a single prediction.
 *
 * @param feature the feature name
 * @param value the feature's value in the scored row (NaN = missing)
 * @param contribution its SHAP value in log-odds: &gt; 0 pushed the probability up, &lt; 0 down
 */
public record Factor(String feature, double value, double contribution) {}
