package io.propensity.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The features a LightGBM text model reads: their names in order ({@code feature_names}), what the
 * header says of each ({@code feature_infos}) and which of them it treats as categorical (the
 * {@code categorical_feature} parameter it was trained with, every feature whose info lists
 * category codes, and every feature a tree splits on as a set). The one reading of a model text's
 * feature layout: the registry checks with it that a version's schema describes its artifact before
 * storing it, and inference-service again before serving it.
 *
 * @param names feature names as LightGBM stores them, in vector order
 * @param infos the header's {@code feature_infos}, one per feature when present: {@code [min:max]}
 *     for a numerical feature, the category codes seen joined by {@code :} for a categorical one,
 *     {@code none} for a feature no tree uses; empty when the header has none
 * @param categorical indexes of the categorical features, ascending
 */
public record LightGbmFeatures(List<String> names, List<String> infos, Set<Integer> categorical) {
  private static final int CATEGORICAL_MASK = 1;

  public LightGbmFeatures {
    names = List.copyOf(names);
    infos = List.copyOf(infos);
    categorical = Set.copyOf(new TreeSet<>(categorical));
  }

  /**
   * Reads the feature layout of a model text.
   *
   * @throws ModelLoadException when the text is not a LightGBM text model (its first line is not
   *     {@code tree}), has no {@code feature_names} line, or holds numbers that cannot be read
   */
  public static LightGbmFeatures read(String modelText) throws ModelLoadException {
    try {
      return read(new BufferedReader(new StringReader(modelText)));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringReader does not fail
    }
  }

  /**
   * Reads the feature layout of a model text line by line, never holding more than a line (an
   * artifact of hundreds of megabytes is read as it streams).
   *
   * @throws ModelLoadException as {@link #read(String)}
   * @throws IOException when reading fails
   */
  public static LightGbmFeatures read(BufferedReader text) throws IOException, ModelLoadException {
    String line = text.readLine();
    while (line != null && line.isBlank()) {
      line = text.readLine();
    }
    if (line == null || !line.strip().equals("tree")) {
      throw new ModelLoadException("not a LightGBM text model: it should start with a 'tree' line");
    }
    List<String> names = null;
    List<String> infos = List.of();
    Set<Integer> categorical = new TreeSet<>();
    String declared = "";
    int[] splitFeature = null;
    boolean header = true;
    while ((line = text.readLine()) != null) {
      String s = line.strip();
      if (header && (s.startsWith("Tree=") || s.equals("end of trees"))) {
        header = false;
      } else if (header && names == null && s.startsWith("feature_names=")) {
        names = tokens(s.substring("feature_names=".length()));
      } else if (header && s.startsWith("feature_infos=")) {
        infos = tokens(s.substring("feature_infos=".length()));
      } else if (s.startsWith("split_feature=")) {
        splitFeature = ints(s.substring("split_feature=".length()), "split_feature");
      } else if (s.startsWith("decision_type=") && splitFeature != null) {
        int[] types = ints(s.substring("decision_type=".length()), "decision_type");
        for (int i = 0; i < Math.min(types.length, splitFeature.length); i++) {
          if ((types[i] & CATEGORICAL_MASK) != 0) {
            categorical.add(splitFeature[i]);
          }
        }
        splitFeature = null;
      } else if (s.startsWith("[categorical_feature:") && s.endsWith("]")) {
        declared = s.substring("[categorical_feature:".length(), s.length() - 1).strip();
      }
    }
    if (names == null) {
      throw new ModelLoadException("LightGBM model has no feature_names line");
    }
    categorical.addAll(declaredColumns(declared, names));
    for (int i = 0; i < infos.size(); i++) {
      String info = infos.get(i);
      if (!info.equals("none") && !info.startsWith("[")) {
        categorical.add(i); // the codes a categorical feature took
      }
    }
    return new LightGbmFeatures(names, infos, categorical);
  }

  /** Whether no tree of the model uses feature {@code i}, so that its kind cannot matter. */
  public boolean unused(int i) {
    return i < infos.size() && infos.get(i).equals("none") && !categorical.contains(i);
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

  /** The {@code categorical_feature} parameter's columns: indexes, or names after {@code name:}. */
  private static Set<Integer> declaredColumns(String declared, List<String> names)
      throws ModelLoadException {
    Set<Integer> out = new TreeSet<>();
    if (declared.startsWith("name:")) {
      for (String n : declared.substring("name:".length()).split(",")) {
        int i = names.indexOf(n.strip());
        if (i >= 0) {
          out.add(i);
        }
      }
      return out;
    }
    for (int i : ints(declared.replace(',', ' '), "categorical_feature")) {
      out.add(i);
    }
    return out;
  }

  private static List<String> tokens(String list) {
    String s = list.strip();
    return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
  }

  private static int[] ints(String list, String field) throws ModelLoadException {
    List<String> parts = tokens(list);
    int[] out = new int[parts.size()];
    try {
      for (int i = 0; i < out.length; i++) {
        out[i] = Integer.parseInt(parts.get(i));
      }
    } catch (NumberFormatException e) {
      throw new ModelLoadException("corrupt LightGBM model: " + field + " holds a non-integer");
    }
    return out;
  }
}
