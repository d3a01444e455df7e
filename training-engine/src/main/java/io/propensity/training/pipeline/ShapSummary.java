package io.propensity.training.pipeline;

import java.util.List;

/**
 * SHAP values of the final model over a sample of test rows, for global importance, the summary
 * (beeswarm) plot and dependence plots. All SHAP values are in log-odds.
 *
 * @param rowsExplained test rows whose contributions were computed
 * @param expectedValue the model's bias (mean raw score)
 * @param features per feature, most important first
 * @param dependence dependence-plot data for the most important features
 */
public record ShapSummary(
    int rowsExplained,
    double expectedValue,
    List<FeatureShap> features,
    List<Dependence> dependence) {

  public ShapSummary {
    features = List.copyOf(features);
    dependence = List.copyOf(dependence);
  }

  /**
   * One feature's SHAP distribution: a sample of (value, SHAP) points for the beeswarm.
   *
   * @param feature the feature name
   * @param meanAbsShap mean |SHAP| over all explained rows
   * @param values the feature value of each sampled point (NaN = missing)
   * @param shap the SHAP value of each sampled point
   */
  public record FeatureShap(
      String feature, double meanAbsShap, List<Double> values, List<Double> shap) {
    public FeatureShap {
      values = List.copyOf(values);
      shap = List.copyOf(shap);
    }
  }

  /**
   * A dependence plot: SHAP of {@code feature} against its value, coloured by the value of another
   * top feature, the one whose value correlates most (in absolute value) with this feature's SHAP:
   * a cheap stand-in for the strongest interaction.
   *
   * @param feature the plotted feature
   * @param colorFeature the colouring feature
   * @param values the feature's values
   * @param shap its SHAP values
   * @param colorValues the colouring feature's values
   */
  public record Dependence(
      String feature,
      String colorFeature,
      List<Double> values,
      List<Double> shap,
      List<Double> colorValues) {
    public Dependence {
      values = List.copyOf(values);
      shap = List.copyOf(shap);
      colorValues = List.copyOf(colorValues);
    }
  }
}
