package io.propensity.training.pipeline.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Features the training rows cannot feed: constant ones (one value in every row, a missing value
 * counting as a value), which no model can learn from, among them the missing ones (no value in any
 * row: the data has nothing to feed them, e.g. price features of a log without prices), and almost
 * constant ones (one value in more than {@link #NEARLY_CONSTANT_SHARE} of the rows), which a model
 * can learn little from and may overfit. A purchase-only log gives constant cart features.
 *
 * @param constant names of the constant features, missing ones included, in column order
 * @param constantIndices their column indices, ascending
 * @param nearlyConstant names of the almost constant (but not constant) features, in column order
 * @param missing names of the features missing in every row (a subset of {@code constant}), in
 *     column order
 */
public record ConstantFeatures(
    List<String> constant,
    List<Integer> constantIndices,
    List<String> nearlyConstant,
    List<String> missing) {

  /** A feature with one value in more than this share of the rows is almost constant. */
  public static final double NEARLY_CONSTANT_SHARE = 0.999;

  public ConstantFeatures {
    constant = List.copyOf(constant);
    constantIndices = List.copyOf(constantIndices);
    nearlyConstant = List.copyOf(nearlyConstant);
    missing = List.copyOf(missing);
    if (!constant.containsAll(missing)) {
      throw new IllegalArgumentException("a missing feature is constant too: " + missing);
    }
  }

  /** Constant and almost constant features, none of them missing in every row. */
  public ConstantFeatures(
      List<String> constant, List<Integer> constantIndices, List<String> nearlyConstant) {
    this(constant, constantIndices, nearlyConstant, List.of());
  }

  /** None. */
  public static ConstantFeatures none() {
    return new ConstantFeatures(List.of(), List.of(), List.of(), List.of());
  }

  /** The constant and almost constant features of {@code data} over {@code rows}. */
  public static ConstantFeatures find(Dataset data, int[] rows) {
    List<String> constant = new ArrayList<>();
    List<Integer> indices = new ArrayList<>();
    List<String> nearly = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    if (rows.length == 0) {
      return none();
    }
    double[] column = new double[rows.length];
    for (int f = 0; f < data.featureCount(); f++) {
      for (int i = 0; i < rows.length; i++) {
        column[i] = data.value(rows[i], f);
      }
      // sorting groups equal values (NaN with NaN), so the longest run is the most common value
      Arrays.sort(column);
      int longest = 1;
      int run = 1;
      for (int i = 1; i < column.length; i++) {
        run = Double.compare(column[i], column[i - 1]) == 0 ? run + 1 : 1;
        longest = Math.max(longest, run);
      }
      if (longest == rows.length) {
        constant.add(data.featureNames().get(f));
        indices.add(f);
        if (Double.isNaN(column[0])) {
          missing.add(data.featureNames().get(f));
        }
      } else if (longest > NEARLY_CONSTANT_SHARE * rows.length) {
        nearly.add(data.featureNames().get(f));
      }
    }
    return new ConstantFeatures(constant, indices, nearly, missing);
  }

  /** Whether there is nothing to report. */
  public boolean isEmpty() {
    return constant.isEmpty() && nearlyConstant.isEmpty();
  }

  /** What to tell a user, one line per kind; empty when there is nothing to report. */
  public List<String> notes() {
    List<String> out = new ArrayList<>();
    if (!missing.isEmpty()) {
      out.add(
          "missing in every training row (the data cannot feed them), left out of the baseline"
              + " and ignored by LightGBM: "
              + String.join(", ", missing));
    }
    List<String> valued = new ArrayList<>(constant);
    valued.removeAll(missing);
    if (!valued.isEmpty()) {
      out.add(
          "constant in the training rows, left out of the baseline and ignored by LightGBM: "
              + String.join(", ", valued));
    }
    if (!nearlyConstant.isEmpty()) {
      out.add(
          String.format(
                  Locale.ROOT,
                  "almost constant in the training rows (one value in more than %.1f%% of them): ",
                  100 * NEARLY_CONSTANT_SHARE)
              + String.join(", ", nearlyConstant));
    }
    return out;
  }
}
