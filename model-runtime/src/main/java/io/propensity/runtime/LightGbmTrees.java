package io.propensity.runtime;

import java.util.List;

/**
 * A LightGBM binary model scored in pure Java: no native code, no native memory, nothing to close.
 *
 * <p>The model text is checked by {@link LightGbmModelText} (every child, feature and category
 * bitset index in range, every tree a tree) and flattened into one array per field across all
 * trees, indexed through per-tree offsets. Scoring walks each tree from its root with LightGBM's
 * own decision rules ({@code Tree::NumericalDecision} and {@code Tree::CategoricalDecision}) and
 * sums the leaf values in tree order in {@code double}, so the raw score is LightGBM's to the last
 * bit; {@code LightGbmTreesDifferentialTest} checks this against LightGBM4j on generated models.
 *
 * <p>Immutable after construction: any number of threads may score at once, without locks, and a
 * row allocates nothing. Not yet the serving default; {@link LightGbmModel} still scores natively.
 */
public final class LightGbmTrees {

  /** LightGBM's {@code kZeroThreshold}: a float 1e-35, widened to double as in C++. */
  static final double ZERO_THRESHOLD = 1e-35f;

  private static final int CATEGORICAL = 1;
  private static final int DEFAULT_LEFT = 2;
  private static final int MISSING_ZERO = 1;
  private static final int MISSING_NAN = 2;

  private final int featureCount;
  private final int treeCount;
  private final double sigmoid;

  /** Per tree: index of its root in the node arrays, or −1 for a single-leaf tree. */
  private final int[] treeRoot;

  /** Per tree: index of its first leaf in {@link #leafValue}. */
  private final int[] treeLeafBase;

  /** Per node (all trees): the feature it splits on. */
  private final int[] splitFeature;

  /** Per node: the numerical threshold; unused for categorical nodes. */
  private final double[] threshold;

  /**
   * Per node: bit 0 categorical, bit 1 default left, bits 2–3 missing type (0 none, 1 zero, 2 NaN).
   */
  private final byte[] decisionType;

  /**
   * Per node: the child, as a global node index when ≥ 0, or {@code ~globalLeafIndex} when a leaf.
   */
  private final int[] left;

  private final int[] right;

  /** Per node: for categorical nodes, the first bitset word in {@link #catThreshold}. */
  private final int[] catStart;

  /** Per node: for categorical nodes, the number of bitset words. */
  private final int[] catWords;

  private final double[] leafValue;
  private final int[] catThreshold;

  private LightGbmTrees(LightGbmModelText text) {
    List<LightGbmModelText.Tree> trees = text.trees;
    featureCount = text.featureCount;
    treeCount = trees.size();
    sigmoid = text.sigmoid;
    int nodes = 0;
    int leaves = 0;
    int words = 0;
    for (LightGbmModelText.Tree tree : trees) {
      nodes += tree.leaves() - 1;
      leaves += tree.leaves();
      words += tree.catThreshold() == null ? 0 : tree.catThreshold().length;
    }
    treeRoot = new int[treeCount];
    treeLeafBase = new int[treeCount];
    splitFeature = new int[nodes];
    threshold = new double[nodes];
    decisionType = new byte[nodes];
    left = new int[nodes];
    right = new int[nodes];
    catStart = new int[nodes];
    catWords = new int[nodes];
    leafValue = new double[leaves];
    catThreshold = new int[words];
    int nodeBase = 0;
    int leafBase = 0;
    int wordBase = 0;
    for (int t = 0; t < treeCount; t++) {
      LightGbmModelText.Tree tree = trees.get(t);
      treeLeafBase[t] = leafBase;
      System.arraycopy(tree.leafValue(), 0, leafValue, leafBase, tree.leaves());
      int treeNodes = tree.leaves() - 1;
      treeRoot[t] = treeNodes == 0 ? -1 : nodeBase;
      for (int n = 0; n < treeNodes; n++) {
        int at = nodeBase + n;
        splitFeature[at] = tree.splitFeature()[n];
        threshold[at] = tree.threshold()[n];
        decisionType[at] = (byte) tree.decisionType()[n];
        left[at] = global(tree.left()[n], nodeBase, leafBase);
        right[at] = global(tree.right()[n], nodeBase, leafBase);
        if ((tree.decisionType()[n] & CATEGORICAL) != 0) {
          int cat = (int) tree.threshold()[n];
          catStart[at] = wordBase + tree.catBoundaries()[cat];
          catWords[at] = tree.catBoundaries()[cat + 1] - tree.catBoundaries()[cat];
        }
      }
      if (tree.catThreshold() != null) {
        System.arraycopy(
            tree.catThreshold(), 0, catThreshold, wordBase, tree.catThreshold().length);
        wordBase += tree.catThreshold().length;
      }
      nodeBase += treeNodes;
      leafBase += tree.leaves();
    }
  }

  private static int global(int child, int nodeBase, int leafBase) {
    return child >= 0 ? nodeBase + child : ~(leafBase + ~child);
  }

  /**
   * Parses and checks a LightGBM text model (binary objective, one class, no linear trees).
   *
   * @throws ModelLoadException naming the tree and field when the text is malformed or unsupported
   */
  public static LightGbmTrees fromModelText(String modelText) throws ModelLoadException {
    LightGbmModelText text = LightGbmModelText.check(modelText);
    if (text.averageOutput) {
      throw new ModelLoadException(
          "unsupported LightGBM model: average_output (boosting=rf) is not supported by the Java"
              + " scorer; load it with LightGbmModel");
    }
    return new LightGbmTrees(text);
  }

  /** Number of features a row must have (max_feature_idx + 1). */
  public int featureCount() {
    return featureCount;
  }

  /** Number of trees. */
  public int numTrees() {
    return treeCount;
  }

  /**
   * LightGBM's raw score (log-odds) of one row, features in model order; NaN means missing.
   *
   * @throws IllegalArgumentException if the row has fewer than {@link #featureCount()} values
   */
  public double predictRaw(double[] row) {
    if (row.length < featureCount) {
      throw new IllegalArgumentException(
          "row has " + row.length + " values, the model needs " + featureCount);
    }
    double sum = 0.0;
    for (int t = 0; t < treeCount; t++) {
      sum += leafValue[leafOf(t, row)];
    }
    return sum;
  }

  /** The probability of the positive class: {@code 1 / (1 + exp(-sigmoid · raw))}. */
  public double predictProbability(double[] row) {
    return 1.0 / (1.0 + Math.exp(-sigmoid * predictRaw(row)));
  }

  /** The global leaf index row reaches in tree {@code t}. */
  int leafOf(int t, double[] row) {
    int node = treeRoot[t];
    if (node < 0) {
      return treeLeafBase[t];
    }
    while (node >= 0) {
      node = decide(node, row[splitFeature[node]]);
    }
    return ~node;
  }

  private int decide(int node, double value) {
    // LightGBM's predictor drops values within ±kZeroThreshold from its dense row before the
    // trees see them (they become exact zeros); NaN is kept.
    double fval = Math.abs(value) <= ZERO_THRESHOLD ? 0.0 : value;
    int type = decisionType[node];
    if ((type & CATEGORICAL) != 0) {
      return categorical(node, fval);
    }
    int missing = (type >> 2) & 3;
    if (Double.isNaN(fval) && missing != MISSING_NAN) {
      fval = 0.0;
    }
    if ((missing == MISSING_ZERO && fval >= -ZERO_THRESHOLD && fval <= ZERO_THRESHOLD)
        || (missing == MISSING_NAN && Double.isNaN(fval))) {
      return (type & DEFAULT_LEFT) != 0 ? left[node] : right[node];
    }
    return fval <= threshold[node] ? left[node] : right[node];
  }

  private int categorical(int node, double fval) {
    // NaN goes right, and so does a value whose C++ int cast is negative: anything ≤ −1 (−0.5
    // truncates to category 0) and anything beyond int range (x86 casts it to INT_MIN).
    if (Double.isNaN(fval) || fval <= -1.0 || fval >= 2147483648.0) {
      return right[node];
    }
    int category = (int) fval;
    int word = category >>> 5;
    if (word < catWords[node]
        && ((catThreshold[catStart[node] + word] >>> (category & 31)) & 1) != 0) {
      return left[node];
    }
    return right[node];
  }

  /** Per node thresholds, for tests that probe values exactly at split points. */
  double[] thresholds() {
    return threshold.clone();
  }

  /** Per node split features, matching {@link #thresholds()}. */
  int[] splitFeatures() {
    return splitFeature.clone();
  }
}
