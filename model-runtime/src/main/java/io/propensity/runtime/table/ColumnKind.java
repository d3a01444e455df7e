package io.propensity.runtime.table;

/** How a column of a team's own feature table is read; every kind reaches the model as a double. */
public enum ColumnKind {
  /** A real number; missing is NaN. */
  NUMERIC,
  /**
   * A level name, encoded as its code in the column's {@link CategoryLevels}; missing is code 0.
   */
  CATEGORICAL,
  /** true/false, encoded as 1/0; missing is NaN. */
  BOOLEAN
}
