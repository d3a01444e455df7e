package io.propensity.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a LightGBM text model in Java before the native parser sees it, and prepares the text the
 * native parser gets.
 *
 * <p>Why: LightGBM 4.3 parses trees in an OpenMP loop when the header lists {@code tree_sizes}, and
 * a parse error inside that loop calls {@code std::terminate}, killing the JVM instead of returning
 * an error. And a tree whose child or feature indices are out of range loads fine and then reads
 * out of bounds at prediction time. So the structure of every tree (array lengths, index ranges,
 * numbers) is verified here, and {@code tree_sizes} is dropped from the native copy, which makes
 * LightGBM parse sequentially and report anything we missed as an ordinary error.
 */
final class LightGbmModelText {

  private static final String END_OF_TREES = "end of trees";
  private static final int CATEGORICAL_MASK = 1;

  final int featureCount;
  final int treeBlocks;
  final String nativeText;

  /** The checked trees in model order, for the Java scorer ({@link LightGbmTrees}). */
  final List<Tree> trees;

  /** Whether the header says {@code average_output} (random forest): raw = mean, not sum. */
  final boolean averageOutput;

  /** The objective's {@code sigmoid:} parameter (1 when not stated; other values are refused). */
  final double sigmoid;

  /**
   * One checked tree as the text states it: node arrays of length {@code leaves - 1}, children
   * negative for leaves ({@code ~leaf}), {@code catThreshold} holding the uint32 bitset words as
   * ints, {@code leafCount}/{@code internalCount} the training rows that reached each leaf and node
   * (TreeSHAP's path weights). Null arrays when the tree has a single leaf or no categorical split.
   */
  record Tree(
      int leaves,
      double[] leafValue,
      int[] splitFeature,
      int[] decisionType,
      double[] threshold,
      int[] left,
      int[] right,
      int[] catBoundaries,
      int[] catThreshold,
      int[] leafCount,
      int[] internalCount) {}

  private LightGbmModelText(
      int featureCount,
      String nativeText,
      List<Tree> trees,
      boolean averageOutput,
      double sigmoid) {
    this.featureCount = featureCount;
    this.treeBlocks = trees.size();
    this.nativeText = nativeText;
    this.trees = List.copyOf(trees);
    this.averageOutput = averageOutput;
    this.sigmoid = sigmoid;
  }

  static LightGbmModelText check(String text) throws ModelLoadException {
    if (text == null || text.isBlank()) {
      throw new ModelLoadException("model text is empty: expected a LightGBM text model");
    }
    String[] lines =
        text.split("\n", -1); // a one-char split skips the regex engine; '\r' is stripped later
    int first = 0;
    while (first < lines.length && lines[first].isBlank()) {
      first++;
    }
    if (!lines[first].strip().equals("tree")) {
      throw new ModelLoadException(
          "not a LightGBM text model: the first line should be 'tree' but is '"
              + abbreviate(lines[first])
              + "'");
    }
    Map<String, String> header = new HashMap<>();
    int i = first + 1;
    boolean averageOutput = false;
    for (; i < lines.length && !isTreeStart(lines[i]) && !isEndOfTrees(lines[i]); i++) {
      putField(header, lines[i]);
      averageOutput |= lines[i].strip().equals("average_output"); // a bare flag, no '='
    }
    for (String key : new String[] {"version", "num_class", "max_feature_idx", "objective"}) {
      if (!header.containsKey(key)) {
        throw new ModelLoadException(
            "corrupt LightGBM model: header field '" + key + "' is missing");
      }
    }
    checkObjective(header.get("objective").strip(), header.get("num_class").strip());
    int featureCount = parseInt(header.get("max_feature_idx"), "header max_feature_idx") + 1;
    if (featureCount < 1) {
      throw new ModelLoadException("LightGBM model has no features");
    }

    List<Tree> trees = new ArrayList<>();
    int treeBlocks = 0;
    boolean endOfTrees = false;
    while (i < lines.length) {
      if (isEndOfTrees(lines[i])) {
        endOfTrees = true;
        break;
      }
      if (!isTreeStart(lines[i])) {
        i++;
        continue;
      }
      Map<String, String> tree = new HashMap<>();
      int j = i + 1;
      for (; j < lines.length && !isTreeStart(lines[j]) && !isEndOfTrees(lines[j]); j++) {
        putField(tree, lines[j]);
      }
      if (j == lines.length) {
        break; // truncated inside this tree; reported below
      }
      trees.add(checkTree(treeBlocks, tree, featureCount));
      treeBlocks++;
      i = j;
    }
    if (!endOfTrees) {
      throw new ModelLoadException(
          "truncated LightGBM model: the '"
              + END_OF_TREES
              + "' marker is missing after "
              + treeBlocks
              + " complete tree(s); re-export the whole model");
    }
    if (treeBlocks == 0) {
      throw new ModelLoadException("LightGBM model has no trees");
    }
    String treeSizes = header.get("tree_sizes");
    if (treeSizes != null && !treeSizes.isBlank()) {
      int declared = treeSizes.strip().split("\\s+").length;
      if (declared != treeBlocks) {
        throw new ModelLoadException(
            "corrupt LightGBM model: header declares "
                + declared
                + " trees (tree_sizes) but "
                + treeBlocks
                + " were found");
      }
    }
    String nativeText = text.replaceFirst("(?m)^tree_sizes=.*\\R", "");
    return new LightGbmModelText(
        featureCount, nativeText, trees, averageOutput, sigmoid(header.get("objective").strip()));
  }

  private static void checkObjective(String objective, String numClass) throws ModelLoadException {
    String[] tokens = objective.split("\\s+");
    if (!numClass.equals("1") || !tokens[0].equals("binary")) {
      throw new ModelLoadException(
          "unsupported LightGBM model: objective '"
              + objective
              + "' with num_class="
              + numClass
              + "; Propensity serves binary classifiers only (objective=binary, num_class=1)");
    }
    for (String token : tokens) {
      if (token.startsWith("sigmoid:") && !isOne(token.substring("sigmoid:".length()))) {
        // The ScoringModel contract is probability == sigmoid(raw score); keep it exact.
        throw new ModelLoadException(
            "unsupported LightGBM model: objective parameter '"
                + token
                + "'; only sigmoid:1 (the default) is supported");
      }
    }
  }

  private static double sigmoid(String objective) {
    for (String token : objective.split("\\s+")) {
      if (token.startsWith("sigmoid:")) {
        return Double.parseDouble(token.substring("sigmoid:".length()));
      }
    }
    return 1.0;
  }

  private static Tree checkTree(int index, Map<String, String> tree, int featureCount)
      throws ModelLoadException {
    String where = "tree " + index;
    int leaves = parseInt(required(tree, "num_leaves", where), where + " num_leaves");
    if (leaves < 1) {
      throw corrupt(where, "num_leaves is " + leaves);
    }
    int numCat = parseInt(tree.getOrDefault("num_cat", "0"), where + " num_cat");
    if ("1".equals(tree.getOrDefault("is_linear", "0").strip())) {
      throw new ModelLoadException(
          "unsupported LightGBM model: "
              + where
              + " is a linear tree (linear_tree=true); its SHAP values would not add up to the"
              + " score");
    }
    double[] leafValues = doubles(required(tree, "leaf_value", where), leaves, where, "leaf_value");
    for (double v : leafValues) {
      if (!Double.isFinite(v)) {
        throw corrupt(where, "leaf_value contains " + v);
      }
    }
    if (leaves == 1) {
      // LightGBM's ExpectedValue and TreeSHAP never read the counts of a single-leaf tree.
      return new Tree(1, leafValues, null, null, null, null, null, null, null, null, null);
    }
    int nodes = leaves - 1;
    int[] splitFeature =
        ints(required(tree, "split_feature", where), nodes, where, "split_feature");
    int[] decisionType =
        ints(required(tree, "decision_type", where), nodes, where, "decision_type");
    double[] threshold = doubles(required(tree, "threshold", where), nodes, where, "threshold");
    int[] left = ints(required(tree, "left_child", where), nodes, where, "left_child");
    int[] right = ints(required(tree, "right_child", where), nodes, where, "right_child");
    int[] catBoundaries = null;
    int[] catThreshold = null;
    if (numCat > 0) {
      catBoundaries =
          ints(required(tree, "cat_boundaries", where), numCat + 1, where, "cat_boundaries");
      for (int k = 0; k < numCat; k++) {
        if (catBoundaries[0] != 0 || catBoundaries[k + 1] < catBoundaries[k]) {
          throw corrupt(where, "cat_boundaries: not increasing from 0");
        }
      }
      catThreshold =
          bitsetWords(
              required(tree, "cat_threshold", where),
              catBoundaries[numCat],
              where,
              "cat_threshold");
    }
    for (int n = 0; n < nodes; n++) {
      if (splitFeature[n] < 0 || splitFeature[n] >= featureCount) {
        throw corrupt(
            where,
            "split_feature: node "
                + n
                + " splits on feature "
                + splitFeature[n]
                + " of "
                + featureCount);
      }
      checkChild(where, n, "left_child", left[n], nodes, leaves);
      checkChild(where, n, "right_child", right[n], nodes, leaves);
      if ((decisionType[n] & CATEGORICAL_MASK) != 0) {
        int catIndex = (int) threshold[n];
        if (catBoundaries == null
            || catIndex != threshold[n]
            || catIndex < 0
            || catIndex >= numCat) {
          throw corrupt(
              where, "threshold: categorical node " + n + " refers to bitset " + threshold[n]);
        }
      }
    }
    checkIsATree(where, left, right, leaves);
    int[] leafCount = ints(required(tree, "leaf_count", where), leaves, where, "leaf_count");
    int[] internalCount =
        ints(required(tree, "internal_count", where), nodes, where, "internal_count");
    checkCounts(where, left, right, leafCount, internalCount);
    return new Tree(
        leaves,
        leafValues,
        splitFeature,
        decisionType,
        threshold,
        left,
        right,
        catBoundaries,
        catThreshold,
        leafCount,
        internalCount);
  }

  /**
   * TreeSHAP weights each branch by {@code count(child) / count(node)} and the expected value by
   * {@code leaf_count / internal_count[0]} (LightGBM's {@code Tree::TreeSHAP} and {@code
   * Tree::ExpectedValue}), so every count must be positive (LightGBM itself would divide by zero
   * and explain with NaN) and each node's count must be the sum of its children's, as LightGBM's
   * {@code Tree::Split} writes them; otherwise the fractions are not a distribution and the
   * contributions would not add up to the score.
   */
  private static void checkCounts(
      String where, int[] left, int[] right, int[] leafCount, int[] internalCount)
      throws ModelLoadException {
    for (int l = 0; l < leafCount.length; l++) {
      if (leafCount[l] < 1) {
        throw corrupt(where, "leaf_count: leaf " + l + " has count " + leafCount[l]);
      }
    }
    for (int n = 0; n < internalCount.length; n++) {
      long children =
          (long) count(left[n], leafCount, internalCount)
              + count(right[n], leafCount, internalCount);
      if (internalCount[n] < 1 || internalCount[n] != children) {
        throw corrupt(
            where,
            "internal_count: node "
                + n
                + " has count "
                + internalCount[n]
                + " but its children have "
                + children);
      }
    }
  }

  private static int count(int child, int[] leafCount, int[] internalCount) {
    return child >= 0 ? internalCount[child] : leafCount[~child];
  }

  /** Every node and leaf is reached exactly once from the root: no cycle, nothing shared. */
  private static void checkIsATree(String where, int[] left, int[] right, int leaves)
      throws ModelLoadException {
    boolean[] seenNode = new boolean[left.length];
    boolean[] seenLeaf = new boolean[leaves];
    int[] stack = new int[left.length + leaves];
    int top = 0;
    stack[top++] = 0;
    int reached = 0;
    while (top > 0) {
      int child = stack[--top];
      boolean[] seen = child >= 0 ? seenNode : seenLeaf;
      int at = child >= 0 ? child : ~child;
      if (seen[at]) {
        throw corrupt(where, "left_child/right_child: a node is reached twice (not a tree)");
      }
      seen[at] = true;
      reached++;
      if (child >= 0) {
        stack[top++] = left[child];
        stack[top++] = right[child];
      }
    }
    if (reached != left.length + leaves) {
      throw corrupt(
          where, "left_child/right_child: some nodes or leaves are unreachable from the root");
    }
  }

  private static void checkChild(
      String where, int node, String side, int child, int nodes, int leaves)
      throws ModelLoadException {
    boolean ok = child >= 0 ? child < nodes : ~child < leaves;
    if (!ok) {
      throw corrupt(where, "node " + node + " has " + side + " " + child);
    }
  }

  private static String required(Map<String, String> fields, String key, String where)
      throws ModelLoadException {
    String value = fields.get(key);
    if (value == null) {
      throw corrupt(where, "field '" + key + "' is missing");
    }
    return value;
  }

  private static int[] ints(String field, int expected, String where, String name)
      throws ModelLoadException {
    String[] tokens = tokens(field, expected, where, name);
    int[] out = new int[expected];
    for (int k = 0; k < expected; k++) {
      out[k] = parseInt(tokens[k], where + " " + name);
    }
    return out;
  }

  /** LightGBM writes bitset words as uint32; kept as the same 32 bits in an int. */
  private static int[] bitsetWords(String field, int expected, String where, String name)
      throws ModelLoadException {
    String[] tokens = tokens(field, expected, where, name);
    int[] out = new int[expected];
    for (int k = 0; k < expected; k++) {
      long word;
      try {
        word = Long.parseLong(tokens[k]);
      } catch (NumberFormatException e) {
        word = -1;
      }
      if (word < 0 || word > 0xFFFF_FFFFL) {
        throw new ModelLoadException(
            "corrupt LightGBM model: "
                + where
                + " "
                + name
                + " is not a 32-bit unsigned integer: '"
                + abbreviate(tokens[k])
                + "'");
      }
      out[k] = (int) word;
    }
    return out;
  }

  private static double[] doubles(String field, int expected, String where, String name)
      throws ModelLoadException {
    String[] tokens = tokens(field, expected, where, name);
    double[] out = new double[expected];
    for (int k = 0; k < expected; k++) {
      out[k] = parseDouble(tokens[k], where + " " + name);
    }
    return out;
  }

  private static String[] tokens(String field, int expected, String where, String name)
      throws ModelLoadException {
    List<String> tokens = new ArrayList<>(expected);
    int n = field.length();
    int i = 0;
    while (i < n) {
      while (i < n && Character.isWhitespace(field.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !Character.isWhitespace(field.charAt(i))) {
        i++;
      }
      if (i > start) {
        tokens.add(field.substring(start, i));
      }
    }
    if (tokens.size() != expected) {
      throw corrupt(where, name + " has " + tokens.size() + " values, expected " + expected);
    }
    return tokens.toArray(String[]::new);
  }

  private static int parseInt(String s, String what) throws ModelLoadException {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new ModelLoadException(
          "corrupt LightGBM model: " + what + " is not an integer: '" + abbreviate(s) + "'");
    }
  }

  private static double parseDouble(String s, String what) throws ModelLoadException {
    String t = s.strip();
    switch (t) {
      case "inf", "+inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan", "-nan" -> {
        return Double.NaN;
      }
      default -> {
        try {
          return Double.parseDouble(t);
        } catch (NumberFormatException e) {
          throw new ModelLoadException(
              "corrupt LightGBM model: " + what + " is not a number: '" + abbreviate(s) + "'");
        }
      }
    }
  }

  private static ModelLoadException corrupt(String where, String detail) {
    return new ModelLoadException("corrupt LightGBM model: " + where + ": " + detail);
  }

  private static void putField(Map<String, String> fields, String line) {
    int eq = line.indexOf('=');
    if (eq > 0) {
      fields.put(line.substring(0, eq).strip(), line.substring(eq + 1));
    }
  }

  private static boolean isTreeStart(String line) {
    return line.startsWith("Tree=");
  }

  private static boolean isEndOfTrees(String line) {
    return line.strip().equals(END_OF_TREES);
  }

  private static boolean isOne(String number) {
    try {
      return Double.parseDouble(number) == 1.0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
