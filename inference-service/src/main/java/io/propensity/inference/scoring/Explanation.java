package io.propensity.inference.scoring;

import java.util.List;

/**
 * A prediction with every feature's SHAP contribution: {@code bias + Σ contributions = rawScore},
 * and the prediction's probability is the raw score through the version's calibration ({@code
 * sigmoid(rawScore)} when it has none).
 *
 * @param prediction the prediction (without top factors)
 * @param bias expected raw score (log-odds) before any feature is known
 * @param contributions one per feature, in schema order
 * @param rawScore the model's raw score (log-odds) for the row, which the contributions explain
 */
public record Explanation(
    Prediction prediction, double bias, List<ExplainedFactor> contributions, double rawScore) {
  public Explanation {
    contributions = List.copyOf(contributions);
  }
}
