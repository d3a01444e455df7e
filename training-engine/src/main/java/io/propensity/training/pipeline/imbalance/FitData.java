package io.propensity.training.pipeline.imbalance;

import io.propensity.training.pipeline.data.Dataset;
import java.util.Arrays;

/**
 * A row-major matrix handed to a trainer: original rows first (in the order given), then any
 * synthetic rows, with labels and the weight of a positive row (1 unless class-weighted).
 */
public final class FitData {
  private final double[] values;
  private final int rows;
  private final int cols;
  private final boolean[] labels;
  private final int originalRows;
  private final double positiveWeight;

  FitData(double[] values, int cols, boolean[] labels, int originalRows, double positiveWeight) {
    if (values.length != labels.length * cols) {
      throw new IllegalArgumentException("values do not match labels × cols");
    }
    this.values = values;
    this.rows = labels.length;
    this.cols = cols;
    this.labels = labels;
    this.originalRows = originalRows;
    this.positiveWeight = positiveWeight;
  }

  /** The selected rows of {@code data}, unchanged and unweighted (validation, test, scoring). */
  public static FitData of(Dataset data, int[] rows) {
    return new FitData(
        data.flatRows(rows), data.featureCount(), data.labels(rows), rows.length, 1.0);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The row-major values; the array is shared, do not modify it. */
  public double[] values() {
    return values;
  }

  public double value(int row, int col) {
    return values[row * cols + col];
  }

  public double[] row(int row) {
    return Arrays.copyOfRange(values, row * cols, row * cols + cols);
  }

  /** All rows as a {@code double[rows][cols]} copy. */
  public double[][] toRows() {
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = row(i);
    }
    return out;
  }

  public boolean label(int row) {
    return labels[row];
  }

  public boolean[] labels() {
    return labels.clone();
  }

  /** Rows taken from the dataset; rows at index ≥ this are synthetic. */
  public int originalRows() {
    return originalRows;
  }

  public int syntheticRows() {
    return rows - originalRows;
  }

  /** Weight of each positive row (negatives weigh 1). */
  public double positiveWeight() {
    return positiveWeight;
  }

  public int positives() {
    int n = 0;
    for (boolean l : labels) {
      if (l) {
        n++;
      }
    }
    return n;
  }

  /** Labels as LightGBM wants them (0/1 floats). */
  public float[] labelsAsFloats() {
    float[] out = new float[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = labels[i] ? 1f : 0f;
    }
    return out;
  }
}
