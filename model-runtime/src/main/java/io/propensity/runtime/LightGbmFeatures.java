package io.propensity.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The features a LightGBM text model reads: their names in order ({@code feature_names}) and which
 * of them it treats as categorical (the {@code categorical_feature} parameter it was trained with,
 * and every feature a tree splits on as a set). Lets a loader check that a registered schema
 * describes the artifact before serving it.
 *
 * @param names feature names as LightGBM stores them, in vector order
 * @param categorical indexes of the categorical features, ascending
 */
public record LightGbmFeatures(List<String> names, Set<Integer> categorical) {
  private static final int CATEGORICAL_MASK = 1;

  public LightGbmFeatures {
    names = List.copyOf(names);
    categorical = Set.copyOf(categorical);
  }

  /**
   * Reads the feature layout of a model text.
   *
   * @throws ModelLoadException when the text has no {@code feature_names} line or numbers that
   *     cannot be read
   */
  public static LightGbmFeatures read(String modelText) throws ModelLoadException {
    List<String> names = null;
    Set<Integer> categorical = new TreeSet<>();
    int[] splitFeature = null;
    for (String raw : modelText.split("\n", -1)) {
      String line = raw.strip();
      if (names == null && line.startsWith("feature_names=")) {
        String list = line.substring("feature_names=".length()).strip();
        names = list.isEmpty() ? List.of() : List.of(list.split("\\s+"));
      } else if (line.startsWith("split_feature=")) {
        splitFeature = ints(line.substring("split_feature=".length()), "split_feature");
      } else if (line.startsWith("decision_type=") && splitFeature != null) {
        int[] types = ints(line.substring("decision_type=".length()), "decision_type");
        for (int i = 0; i < Math.min(types.length, splitFeature.length); i++) {
          if ((types[i] & CATEGORICAL_MASK) != 0) {
            categorical.add(splitFeature[i]);
          }
        }
        splitFeature = null;
      } else if (line.startsWith("[categorical_feature:")) {
        String list = line.substring("[categorical_feature:".length(), line.length() - 1).strip();
        if (!list.isEmpty()) {
          for (int i : ints(list.replace(',', ' '), "categorical_feature")) {
            categorical.add(i);
          }
        }
      }
    }
    if (names == null) {
      throw new ModelLoadException("LightGBM model has no feature_names line");
    }
    return new LightGbmFeatures(names, categorical);
  }

  /**
   * The names LightGBM gets for a table's column names: characters other than letters, digits,
   * {@code _ . -} become {@code _} (LightGBM rejects JSON special characters), and a name that
   * collides with an earlier one gets a numeric suffix.
   */
  public static List<String> lightGbmNames(List<String> names) {
    List<String> out = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (String n : names) {
      String s = n.replaceAll("[^A-Za-z0-9_.\\-]", "_");
      if (s.isEmpty()) {
        s = "_";
      }
      String candidate = s;
      for (int i = 2; !used.add(candidate); i++) {
        candidate = s + "_" + i;
      }
      out.add(candidate);
    }
    return List.copyOf(out);
  }

  private static int[] ints(String list, String field) throws ModelLoadException {
    String s = list.strip();
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split("\\s+");
    int[] out = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        out[i] = Integer.parseInt(parts[i]);
      }
    } catch (NumberFormatException e) {
      throw new ModelLoadException("corrupt LightGBM model: " + field + " holds a non-integer");
    }
    return out;
  }
}
