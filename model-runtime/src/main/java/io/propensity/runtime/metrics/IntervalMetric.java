package io.propensity.runtime.metrics;

/** A metric the bootstrap puts an interval on; each is computed from weighted rows in O(n). */
public enum IntervalMetric {
  /** Area under the ROC curve (a tied positive/negative pair counts ½, as in {@link Evaluator}). */
  ROC_AUC("ROC-AUC", true),
  /** Average precision, as in {@link Evaluator}. */
  PR_AUC("PR-AUC", true),
  /** Positive-class F1 of the scorer's own decisions. */
  F1("F1", true),
  /**
   * Mean negative log-likelihood, each row's likelihood floored at {@link Evaluator#LOG_LOSS_EPS}.
   */
  LOG_LOSS("log loss", false),
  /** Mean squared difference between probability and label. */
  BRIER("Brier score", false);

  private final String label;
  private final boolean higherIsBetter;

  IntervalMetric(String label, boolean higherIsBetter) {
    this.label = label;
    this.higherIsBetter = higherIsBetter;
  }

  /** How people write the metric, e.g. {@code ROC-AUC}. */
  public String label() {
    return label;
  }

  /** True when a larger value means a better model (false for log loss and Brier). */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }
}
