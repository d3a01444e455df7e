package io.propensity.training.pipeline.data;

/**
 * How a feature column's values are to be read. Every kind is stored as a double; NaN = missing.
 */
public enum FeatureKind {
  /** A real number. */
  NUMERIC,
  /**
   * An integer code ≥ 0 into the column's {@link CategoricalVocabulary}; trees split on it as a
   * set.
   */
  CATEGORICAL,
  /** 0 (false) or 1 (true). */
  BOOLEAN
}
