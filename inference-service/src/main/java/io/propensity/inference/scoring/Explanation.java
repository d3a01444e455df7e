package io.propensity.inference.scoring;

import java.util.List;

/**
 * A prediction with every feature's SHAP contribution: {@code bias + Σ contributions = logit(p)}.
 *
 * @param prediction the prediction (without top factors)
 * @param bias expected raw score (log-odds) before any feature is known
 * @param contributions one per feature, in schema order
 */
public record Explanation(Prediction prediction, double bias, List<ExplainedFactor> contributions) {
  public Explanation {
    contributions = List.copyOf(contributions);
  }
}
