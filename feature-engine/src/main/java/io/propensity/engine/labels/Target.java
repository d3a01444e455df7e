package io.propensity.engine.labels;

/** What a model predicts; each target is a named model in the registry. */
public enum Target {
  /** The user purchases within the horizon after the cutoff. */
  PURCHASE,
  /** The user, active before the cutoff, has no event within the horizon after it. */
  CHURN,
  /** The session going on at the cutoff goes on to a purchase. */
  SESSION_CONVERSION
}
