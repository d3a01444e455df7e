package io.propensity.inference.challenge;

/** The metric a promotion is decided on. */
public enum ComparisonMetric {
  /** ROC-AUC, its difference tested by DeLong's paired test. */
  ROC_AUC,
  /** PR-AUC (average precision), its difference by a paired bootstrap. */
  PR_AUC
}
