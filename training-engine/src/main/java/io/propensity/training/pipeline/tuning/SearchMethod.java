package io.propensity.training.pipeline.tuning;

/** How trial hyperparameters are proposed. */
public enum SearchMethod {
  /** Independent uniform draws from the search space. */
  RANDOM,
  /** Tree-structured Parzen estimator after random warm-up trials ({@link TpeSampler}). */
  TPE
}
