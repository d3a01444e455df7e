package io.propensity.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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
 *
 * <p>The Java scorer ({@link LightGbmTrees}) must read the very model LightGBM reads, so the text
 * is read by LightGBM's own rules ({@code LoadModelFromString}, {@code Tree::Tree}, {@code
 * Atoi}/{@code Atof}) wherever they are unambiguous, and refused wherever LightGBM would read it
 * differently, crash on it, or refuse it: a tree block ends at its first empty line and holds only
 * known fields, each once; every header key appears once; every number, including those only
 * LightGBM reads, is ASCII in the form LightGBM writes; every declared size is compared with the
 * values present before anything is allocated. The parser fuzz test ({@code
 * LightGbmModelTextFuzzTest}) holds the rule: a text is refused, or scored as LightGBM scores it.
 */
final class LightGbmModelText {

  private static final String END_OF_TREES = "end of trees";
  private static final int CATEGORICAL_MASK = 1;

  /** Categorical, default-left and the two missing-type bits. */
  private static final int MAX_DECISION_TYPE = 15;

  private static final double SIGMOID = 1.0;
  private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern DOUBLE =
      Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]{1,3})?");
  private static final Pattern HEADER_KEY = Pattern.compile("[a-z_]+");

  /** The fields LightGBM writes for a tree without linear models. */
  private static final Set<String> TREE_KEYS =
      Set.of(
          "num_leaves",
          "num_cat",
          "split_feature",
          "split_gain",
          "threshold",
          "decision_type",
          "left_child",
          "right_child",
          "leaf_value",
          "leaf_weight",
          "leaf_count",
          "internal_value",
          "internal_weight",
          "internal_count",
          "cat_boundaries",
          "cat_threshold",
          "is_linear",
          "shrinkage");

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
    checkLineBreaks(text);
    // LightGBM ends a line at '\r' or '\n' and skips one "\r\n" as a single break; lone '\r's
    // are refused above, so splitting on '\n' after this sees the lines LightGBM sees.
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
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
    // LightGBM's header runs up to the first line starting with "Tree=", whatever precedes it.
    Map<String, String> header = new HashMap<>();
    int i = first + 1;
    for (; i < lines.length && !isTreeStart(lines[i]); i++) {
      putHeaderField(header, lines[i]);
    }
    for (String key :
        new String[] {
          "version",
          "num_class",
          "label_index",
          "max_feature_idx",
          "objective",
          "feature_names",
          "feature_infos"
        }) {
      if (!header.containsKey(key)) {
        throw new ModelLoadException(
            "corrupt LightGBM model: header field '" + key + "' is missing");
      }
    }
    checkObjective(header.get("objective"), header.get("num_class"));
    String perIteration = header.get("num_tree_per_iteration");
    if (perIteration != null && !perIteration.equals("1")) {
      throw new ModelLoadException(
          "unsupported LightGBM model: header num_tree_per_iteration is '"
              + abbreviate(perIteration)
              + "'; a binary classifier has exactly 1");
    }
    parseInt(header.get("label_index"), "header label_index");
    int featureCount = parseInt(header.get("max_feature_idx"), "header max_feature_idx") + 1;
    if (featureCount < 1) {
      throw new ModelLoadException("LightGBM model has no features");
    }
    for (String key : new String[] {"feature_names", "feature_infos"}) {
      int count = countTokens(header.get(key));
      if (count != featureCount) {
        throw new ModelLoadException(
            "corrupt LightGBM model: header "
                + key
                + " has "
                + count
                + " values but max_feature_idx declares "
                + featureCount
                + " features");
      }
    }
    String monotone = header.get("monotone_constraints");
    if (monotone != null) {
      int[] constraints = ints(monotone, featureCount, "header", "monotone_constraints");
      for (int c : constraints) {
        if (c < -1 || c > 1) {
          throw corrupt("header", "monotone_constraints contains " + c);
        }
      }
    }
    boolean averageOutput = header.containsKey("average_output"); // a flag: LightGBM's test

    List<Tree> trees = new ArrayList<>();
    boolean endOfTrees = false;
    String misnumbered = null; // reported after tree_sizes, which names a lost tree better
    while (i < lines.length) {
      String line = lines[i];
      if (line.isEmpty()) { // LightGBM skips empty lines between trees, nothing else
        i++;
        continue;
      }
      if (line.equals(END_OF_TREES)) {
        endOfTrees = true;
        break;
      }
      String where = "tree " + trees.size();
      if (!isTreeStart(line) || !INT.matcher(line.substring("Tree=".length())).matches()) {
        // LightGBM stops reading trees at any line not starting with "Tree="
        throw corrupt(
            where,
            "expected 'Tree="
                + trees.size()
                + "' or '"
                + END_OF_TREES
                + "' but found '"
                + abbreviate(line)
                + "'");
      }
      if (misnumbered == null && !line.equals("Tree=" + trees.size())) {
        misnumbered = where + ": its block starts with '" + abbreviate(line) + "'";
      }
      Map<String, String> tree = new HashMap<>();
      int j = i + 1;
      // LightGBM reads a tree's fields up to the first empty line: a block must end with one
      for (; j < lines.length && !lines[j].isEmpty(); j++) {
        putTreeField(tree, lines[j], where);
      }
      if (j >= lines.length - 1) {
        break; // the text ends inside or right after this tree; reported below
      }
      trees.add(checkTree(trees.size(), tree, featureCount));
      i = j;
    }
    if (!endOfTrees) {
      throw new ModelLoadException(
          "truncated LightGBM model: the '"
              + END_OF_TREES
              + "' marker is missing after "
              + trees.size()
              + " complete tree(s); re-export the whole model");
    }
    if (trees.isEmpty()) {
      throw new ModelLoadException("LightGBM model has no trees");
    }
    String treeSizes = header.get("tree_sizes");
    if (treeSizes != null) {
      int declared = countTokens(treeSizes);
      if (declared != trees.size()) {
        throw new ModelLoadException(
            "corrupt LightGBM model: header declares "
                + declared
                + " trees (tree_sizes) but "
                + trees.size()
                + " were found");
      }
      for (int size : ints(treeSizes, declared, "header", "tree_sizes")) {
        if (size < 0) {
          throw corrupt("header", "tree_sizes contains " + size);
        }
      }
    }
    if (misnumbered != null) {
      throw new ModelLoadException("corrupt LightGBM model: " + misnumbered);
    }
    String nativeText = text.replaceFirst("(?m)^tree_sizes=.*\\R", "");
    return new LightGbmModelText(featureCount, nativeText, trees, averageOutput, SIGMOID);
  }

  /** A NUL ends LightGBM's C string early, and a lone '\r' is a line break only to LightGBM. */
  private static void checkLineBreaks(String text) throws ModelLoadException {
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (c == '\0' || (c == '\r' && (k + 1 == text.length() || text.charAt(k + 1) != '\n'))) {
        throw new ModelLoadException(
            "corrupt LightGBM model: character "
                + k
                + " is "
                + (c == '\0' ? "a NUL" : "a carriage return without a line feed"));
      }
    }
  }

  /**
   * LightGBM's binary objective reads its {@code sigmoid:} parameter and refuses the model without
   * one; the ScoringModel contract is probability == sigmoid(raw score), so it must be exactly 1.
   */
  private static void checkObjective(String objective, String numClass) throws ModelLoadException {
    String[] tokens = objective.split(" ");
    if (!numClass.equals("1") || !tokens[0].equals("binary")) {
      throw new ModelLoadException(
          "unsupported LightGBM model: objective '"
              + abbreviate(objective)
              + "' with num_class="
              + abbreviate(numClass)
              + "; Propensity serves binary classifiers only (objective=binary, num_class=1)");
    }
    int sigmoids = 0;
    for (String token : tokens) {
      if (token.startsWith("sigmoid")) {
        sigmoids++;
        String value = token.startsWith("sigmoid:") ? token.substring("sigmoid:".length()) : "";
        if (!DOUBLE.matcher(value).matches() || Double.parseDouble(value) != SIGMOID) {
          throw new ModelLoadException(
              "unsupported LightGBM model: objective parameter '"
                  + abbreviate(token)
                  + "'; only sigmoid:1 (the default) is supported");
        }
      }
    }
    if (sigmoids != 1) {
      throw new ModelLoadException(
          "corrupt LightGBM model: header objective '"
              + abbreviate(objective)
              + "' should state sigmoid:1 exactly once");
    }
  }

  private static Tree checkTree(int index, Map<String, String> tree, int featureCount)
      throws ModelLoadException {
    String where = "tree " + index;
    int leaves = parseInt(required(tree, "num_leaves", where), where + " num_leaves");
    if (leaves < 1) {
      throw corrupt(where, "num_leaves is " + leaves);
    }
    int numCat = parseInt(required(tree, "num_cat", where), where + " num_cat");
    if (numCat < 0 || numCat > leaves - 1) {
      // every categorical split has its own bitset, so a tree has at most one per node
      throw corrupt(where, "num_cat is " + numCat + " with " + (leaves - 1) + " split(s)");
    }
    String linear = tree.getOrDefault("is_linear", "0");
    if (linear.equals("1")) {
      throw new ModelLoadException(
          "unsupported LightGBM model: "
              + where
              + " is a linear tree (linear_tree=true); its SHAP values would not add up to the"
              + " score");
    }
    if (!linear.equals("0")) {
      // LightGBM reads any leading integer here (1d, 1.5, +3...): only its own "0" is certain
      throw corrupt(where, "is_linear is '" + abbreviate(linear) + "', expected 0");
    }
    if (tree.containsKey("shrinkage")) {
      doubles(tree.get("shrinkage"), 1, where, "shrinkage");
    }
    double[] leafValues = doubles(required(tree, "leaf_value", where), leaves, where, "leaf_value");
    for (double v : leafValues) {
      if (!Double.isFinite(v)) {
        throw corrupt(where, "leaf_value contains " + v);
      }
    }
    if (leaves == 1) {
      // LightGBM reads nothing else of a single-leaf tree but leaf_count, and its ExpectedValue
      // and TreeSHAP never use that count.
      String count = tree.getOrDefault("leaf_count", "");
      if (countTokens(count) > 0) {
        ints(count, 1, where, "leaf_count");
      }
      return new Tree(1, leafValues, null, null, null, null, null, null, null, null, null);
    }
    int nodes = leaves - 1;
    int[] splitFeature =
        ints(required(tree, "split_feature", where), nodes, where, "split_feature");
    int[] decisionType =
        ints(required(tree, "decision_type", where), nodes, where, "decision_type");
    for (int n = 0; n < nodes; n++) {
      if (decisionType[n] < 0 || decisionType[n] > MAX_DECISION_TYPE) {
        // LightGBM keeps an int8 of categorical, default-left and missing-type bits
        throw corrupt(where, "decision_type: node " + n + " has " + decisionType[n]);
      }
    }
    for (String optional : new String[] {"split_gain", "internal_value", "internal_weight"}) {
      if (tree.containsKey(optional)) {
        doubles(tree.get(optional), nodes, where, optional);
      }
    }
    if (tree.containsKey("leaf_weight")) {
      doubles(tree.get("leaf_weight"), leaves, where, "leaf_weight");
    }
    double[] threshold = thresholds(required(tree, "threshold", where), nodes, where);
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
      String token = tokens[k];
      long word = -1;
      if (token.length() <= 10 && INT.matcher(token).matches() && token.charAt(0) != '-') {
        word = Long.parseLong(token);
      }
      if (word < 0 || word > 0xFFFF_FFFFL) {
        throw new ModelLoadException(
            "corrupt LightGBM model: "
                + where
                + " "
                + name
                + " is not a 32-bit unsigned integer: '"
                + abbreviate(token)
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

  /**
   * LightGBM writes an infinite threshold as {@code inf} or {@code -inf} (a split above the largest
   * bin) and reads it back with {@code strtod}; any other value is a finite number.
   */
  private static double[] thresholds(String field, int expected, String where)
      throws ModelLoadException {
    String[] tokens = tokens(field, expected, where, "threshold");
    double[] out = new double[expected];
    for (int k = 0; k < expected; k++) {
      out[k] =
          switch (tokens[k]) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> parseDouble(tokens[k], where + " threshold");
          };
    }
    return out;
  }

  /**
   * The values of a field as LightGBM splits them (on single spaces, empty pieces dropped), counted
   * before anything is allocated: a declared size is trusted only once the text holds that many.
   */
  private static String[] tokens(String field, int expected, String where, String name)
      throws ModelLoadException {
    int count = countTokens(field);
    if (count != expected) {
      throw corrupt(where, name + " has " + count + " values, expected " + expected);
    }
    String[] tokens = new String[expected];
    int n = field.length();
    int i = 0;
    for (int k = 0; k < expected; k++) {
      while (field.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < n && field.charAt(i) != ' ') {
        i++;
      }
      tokens[k] = field.substring(start, i);
    }
    return tokens;
  }

  private static int countTokens(String field) {
    int count = 0;
    boolean inToken = false;
    for (int i = 0; i < field.length(); i++) {
      boolean space = field.charAt(i) == ' ';
      if (!space && !inToken) {
        count++;
      }
      inToken = !space;
    }
    return count;
  }

  /**
   * An ASCII decimal int as LightGBM's {@code Atoi} reads it in full. {@code Atoi} stops silently
   * at the first other character ('1d', '1.5', '\u0661'), so anything else is refused.
   */
  private static int parseInt(String s, String what) throws ModelLoadException {
    if (s.length() <= 11 && INT.matcher(s).matches()) {
      long value = Long.parseLong(s);
      if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
        return (int) value;
      }
    }
    throw new ModelLoadException(
        "corrupt LightGBM model: " + what + " is not an integer: '" + abbreviate(s) + "'");
  }

  /**
   * A finite ASCII decimal number in the form LightGBM writes ({@code %.17g}), which its two number
   * parsers ({@code Atof}, {@code AtofPrecise}) and Java read alike.
   */
  private static double parseDouble(String s, String what) throws ModelLoadException {
    if (DOUBLE.matcher(s).matches()) {
      double value = Double.parseDouble(s);
      if (Double.isFinite(value)) {
        return value;
      }
    }
    throw new ModelLoadException(
        "corrupt LightGBM model: "
            + what
            + " is not a number: '"
            + abbreviate(s)
            + "' (expected a finite decimal as LightGBM writes it)");
  }

  private static ModelLoadException corrupt(String where, String detail) {
    return new ModelLoadException("corrupt LightGBM model: " + where + ": " + detail);
  }

  /**
   * A header line as LightGBM's {@code LoadModelFromString} keeps it: {@code key=value}, or a bare
   * flag such as {@code average_output}. A second '=' (LightGBM refuses the line or reads it
   * differently), an odd key, or a key given twice (LightGBM keeps the last, Java checked the
   * first) is refused.
   */
  private static void putHeaderField(Map<String, String> header, String line)
      throws ModelLoadException {
    if (line.isBlank()) {
      return;
    }
    int eq = line.indexOf('=');
    String key = eq < 0 ? line : line.substring(0, eq);
    String value = eq < 0 ? "" : line.substring(eq + 1);
    if (!HEADER_KEY.matcher(key).matches() || value.indexOf('=') >= 0) {
      throw corrupt("header", "line '" + abbreviate(line) + "' is not a key=value field");
    }
    if (header.put(key, value) != null) {
      throw corrupt("header", "field '" + key + "' is given twice");
    }
  }

  /**
   * A line of a tree block as LightGBM's {@code Tree} constructor reads it: the key up to the first
   * '=', the value to the end of the line. LightGBM scans past the line end for a line without '='
   * (a block that lost its empty last line, a parameter line moved into it), so only the fields it
   * writes are accepted, each once.
   */
  private static void putTreeField(Map<String, String> tree, String line, String where)
      throws ModelLoadException {
    int eq = line.indexOf('=');
    String key = eq < 0 ? line : line.substring(0, eq);
    if (eq < 0 || !TREE_KEYS.contains(key)) {
      throw corrupt(
          where,
          "unexpected line '"
              + abbreviate(line)
              + "' (a tree block holds its fields and ends with an empty line)");
    }
    if (tree.put(key, line.substring(eq + 1)) != null) {
      throw corrupt(where, "field '" + key + "' is given twice");
    }
  }

  private static boolean isTreeStart(String line) {
    return line.startsWith("Tree=");
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
