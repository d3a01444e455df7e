package io.propensity.engine.features;

/** What kind of number a feature is; every feature value is a finite double. */
public enum FeatureType {
  /** A real-valued measure with a unit named in the description (hours, seconds, money). */
  NUMERIC,
  /** A non-negative whole number of things. */
  COUNT,
  /** A quotient of two counts; its description says what it is when the denominator is zero. */
  RATIO,
  /** 1 for true, 0 for false. */
  BOOLEAN,
  /** An index into a fixed vocabulary documented in the description; 0 means unknown. */
  CATEGORICAL
}
