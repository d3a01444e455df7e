package io.propensity.training.registry;

/**
 * A model-quality metric the registry keeps per version, to compare versions and promote by policy.
 */
public enum Metric {
  /** F1 at the decision threshold. */
  F1(true),
  /** Precision at the decision threshold. */
  PRECISION(true),
  /** Recall at the decision threshold. */
  RECALL(true),
  /** Area under the ROC curve. */
  ROC_AUC(true),
  /** Area under the precision-recall curve. */
  PR_AUC(true),
  /** Mean binary cross-entropy. */
  LOG_LOSS(false),
  /** Brier score. */
  BRIER(false);

  private final boolean higherIsBetter;

  Metric(boolean higherIsBetter) {
    this.higherIsBetter = higherIsBetter;
  }

  /** The metric's natural direction: true when a larger value means a better model. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }
}
