package io.propensity.training.pipeline;

/** The stages of a training run, in order. */
public enum Stage {
  LOADING,
  SPLITTING,
  BASELINE,
  TUNING,
  TRAINING,
  EVALUATING,
  EXPLAINING,
  REPORTING
}
