package io.propensity.runtime;

/** Checks that rows handed to a {@link ScoringModel} have exactly the model's features. */
final class Rows {

  private Rows() {}

  /**
   * @param index the row's position in a batch, or −1 for a single row
   * @throws IllegalArgumentException naming the row and both lengths
   */
  static void check(double[] row, int index, int featureCount) {
    String name = index < 0 ? "row" : "rows[" + index + "]";
    if (row == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (row.length != featureCount) {
      throw new IllegalArgumentException(
          name + " has " + row.length + " features, the model expects " + featureCount);
    }
  }

  /** Checks every row of a batch, and the batch itself. */
  static void checkAll(double[][] rows, int featureCount) {
    if (rows == null) {
      throw new IllegalArgumentException("rows is null");
    }
    for (int i = 0; i < rows.length; i++) {
      check(rows[i], i, featureCount);
    }
  }
}
