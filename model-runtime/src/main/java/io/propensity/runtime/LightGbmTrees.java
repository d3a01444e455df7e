package io.propensity.runtime;

import java.util.Arrays;
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
 * <p>{@link #contributions} and {@link #topContributions} explain a row with exact TreeSHAP
 * (LightGBM's {@code pred_contrib}), from tables {@link TreeShap} builds at load; {@code
 * LightGbmTreesShapDifferentialTest} checks them against LightGBM4j to 1e-9.
 *
 * <p>Immutable after construction: any number of threads may score and explain at once, without
 * locks (scoring and explanations use per-thread scratch shared by all models), and a row allocates
 * nothing. {@link LightGbmJavaModel} serves it as a {@link ScoringModel}, inference-service's
 * default; {@link LightGbmModel} scores natively.
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

  /**
   * Per tree: index of its root in the node arrays, or {@code ~globalLeafIndex} for a single-leaf
   * tree, so that every walk starts the same way.
   */
  private final int[] treeRoot;

  /**
   * Per node, four ints: where the walk reads the node's value in the prepared row (see {@link
   * #prepare}), or −1 when the node needs the full decision ({@link #decide}); then the left and
   * right child (as {@link #left}, {@link #right}); the fourth is padding, so a node is 16 aligned
   * bytes. With {@link #threshold}, everything the common numeric node needs is one compare.
   */
  private final int[] packed;

  /**
   * Per-thread scratch shared by every model and grown to the largest one, so scoring allocates
   * nothing once warm and no thread's scratch refers to a retired model: [0] the prepared row (see
   * {@link #prepare}), [1] the leaf value each tree reached, by tree.
   */
  private static final ThreadLocal<double[][]> PREPARED =
      ThreadLocal.withInitial(() -> new double[][] {new double[0], new double[0]});

  /** Trees the scorer walks in lock-step: see {@link #predictRaw}. */
  static final int LOCKSTEP = 8;

  /**
   * The scorer's own layout of every tree, leaves included: per walk node two ints, where the node
   * reads its value in the prepared row (or −1, see {@link #readAt}) and its left child as a walk
   * node; the right child is the next one, so the step is {@code left + (value > threshold)} and
   * the child's index never waits for a load that depends on the compare. A leaf is its own left
   * child with a threshold of +∞ (no prepared value is NaN), so a walk can take more steps than its
   * tree is deep and stay at its leaf: trees walked together need no per-tree exit test. Each tree
   * is laid out breadth-first, so its top levels share cache lines.
   */
  private final int[] walk;

  /** Per walk node: the threshold; +∞ for leaves. */
  private final double[] walkThreshold;

  /** Per walk node: the leaf value (0 for an internal node). */
  private final double[] walkValue;

  /** Per walk node: the global node it is, for {@link #decide}; −1 for a leaf. */
  private final int[] walkNode;

  /** Per tree: its root as a walk node. */
  private final int[] walkRoot;

  /** The trees sorted by depth, so that trees walked together are about as deep. */
  private final int[] walkOrder;

  /** Per tree in {@link #walkOrder}: its depth (steps from root to its deepest leaf). */
  private final int[] walkDepth;

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

  /** Per node: {@code count(left child) / count(node)}, TreeSHAP's zero fraction going left. */
  private final double[] leftFraction;

  /** Per node: {@code count(right child) / count(node)}. */
  private final double[] rightFraction;

  /** Sum over trees of LightGBM's {@code Tree::ExpectedValue}, in tree order. */
  private final double expectedValue;

  /** TreeSHAP's precomputed tables and per-thread scratch. */
  private final TreeShap shap;

  private LightGbmTrees(LightGbmModelText text, int scratchCap, int factorBudget)
      throws ModelLoadException {
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
    splitFeature = new int[nodes];
    threshold = new double[nodes];
    decisionType = new byte[nodes];
    left = new int[nodes];
    right = new int[nodes];
    catStart = new int[nodes];
    catWords = new int[nodes];
    leafValue = new double[leaves];
    catThreshold = new int[words];
    leftFraction = new double[nodes];
    rightFraction = new double[nodes];
    packed = new int[4 * nodes];
    double expected = 0.0;
    int nodeBase = 0;
    int leafBase = 0;
    int wordBase = 0;
    for (int t = 0; t < treeCount; t++) {
      LightGbmModelText.Tree tree = trees.get(t);
      System.arraycopy(tree.leafValue(), 0, leafValue, leafBase, tree.leaves());
      int treeNodes = tree.leaves() - 1;
      treeRoot[t] = treeNodes == 0 ? ~leafBase : nodeBase;
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
        packed[4 * at] = readAt(tree.decisionType()[n], tree.splitFeature()[n], threshold[at]);
        packed[4 * at + 1] = left[at];
        packed[4 * at + 2] = right[at];
        double count = tree.internalCount()[n];
        leftFraction[at] = countOf(tree, tree.left()[n]) / count;
        rightFraction[at] = countOf(tree, tree.right()[n]) / count;
      }
      expected += expectedValue(tree);
      if (tree.catThreshold() != null) {
        System.arraycopy(
            tree.catThreshold(), 0, catThreshold, wordBase, tree.catThreshold().length);
        wordBase += tree.catThreshold().length;
      }
      nodeBase += treeNodes;
      leafBase += tree.leaves();
    }
    expectedValue = expected;
    walk = new int[2 * (nodes + leaves)];
    walkThreshold = new double[nodes + leaves];
    walkValue = new double[nodes + leaves];
    walkNode = new int[nodes + leaves];
    walkRoot = new int[treeCount];
    walkOrder = new int[treeCount];
    walkDepth = new int[treeCount];
    layOutWalks(nodes + leaves);
    shap = new TreeShap(this, trees, scratchCap, factorBudget);
  }

  /**
   * Fills the walk arrays: each tree breadth-first from its root (a queue of global children), then
   * the trees ordered by depth.
   */
  private void layOutWalks(int walkNodes) {
    int[] queue = new int[walkNodes];
    int[] queueDepth = new int[walkNodes];
    int[] depthOf = new int[treeCount];
    int next = 0;
    for (int t = 0; t < treeCount; t++) {
      int head = next;
      int tail = next;
      queue[tail] = treeRoot[t];
      queueDepth[tail++] = 0;
      walkRoot[t] = head;
      int depth = 0;
      // walk node of queue entry i is i; children get the next free entries
      while (head < tail) {
        int child = queue[head];
        int at = head;
        depth = Math.max(depth, queueDepth[head]);
        if (child < 0) {
          walk[2 * at] = 0;
          walk[2 * at + 1] = at;
          walkThreshold[at] = Double.POSITIVE_INFINITY;
          walkValue[at] = leafValue[~child];
          walkNode[at] = -1;
        } else {
          walk[2 * at] = packed[4 * child];
          walk[2 * at + 1] = tail;
          walkThreshold[at] = threshold[child];
          walkNode[at] = child;
          queue[tail] = left[child];
          queueDepth[tail++] = queueDepth[head] + 1;
          queue[tail] = right[child];
          queueDepth[tail++] = queueDepth[head] + 1;
        }
        head++;
      }
      next = tail;
      depthOf[t] = depth;
    }
    Integer[] order = new Integer[treeCount];
    for (int t = 0; t < treeCount; t++) {
      order[t] = t;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(depthOf[a], depthOf[b]));
    for (int i = 0; i < treeCount; i++) {
      walkOrder[i] = order[i];
      walkDepth[i] = depthOf[order[i]];
    }
  }

  /**
   * Where a numerical node reads its value in the prepared row, so that {@code value <= threshold}
   * alone is LightGBM's decision: at {@code feature} (NaN read as −∞, so it goes left) or at {@code
   * featureCount + feature} (NaN read as +∞, right), both with LightGBM's rounding to zero done; −1
   * for a node that needs {@link #decide} (categorical, a zero-as-missing default that the
   * threshold contradicts, or a threshold that is not below +∞).
   */
  private int readAt(int type, int feature, double threshold) {
    if ((type & CATEGORICAL) != 0 || !(threshold < Double.POSITIVE_INFINITY)) {
      return -1;
    }
    int missing = (type >> 2) & 3;
    boolean defaultLeft = (type & DEFAULT_LEFT) != 0;
    boolean nanLeft;
    if (missing == MISSING_ZERO) {
      // zero (after rounding) and NaN take the default; zero must agree with the compare
      if ((0.0 <= threshold) != defaultLeft) {
        return -1;
      }
      nanLeft = defaultLeft;
    } else if (missing == MISSING_NAN) {
      nanLeft = defaultLeft;
    } else {
      nanLeft = 0.0 <= threshold; // NaN is scored as zero
    }
    return nanLeft ? feature : featureCount + feature;
  }

  private static double countOf(LightGbmModelText.Tree tree, int child) {
    return child >= 0 ? tree.internalCount()[child] : tree.leafCount()[~child];
  }

  /** LightGBM's {@code Tree::ExpectedValue}: leaf values weighted by leaf_count / root count. */
  private static double expectedValue(LightGbmModelText.Tree tree) {
    if (tree.leaves() == 1) {
      return tree.leafValue()[0];
    }
    double total = tree.internalCount()[0];
    double sum = 0.0;
    for (int l = 0; l < tree.leaves(); l++) {
      sum += (tree.leafCount()[l] / total) * tree.leafValue()[l];
    }
    return sum;
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
    return fromModelText(modelText, TreeShap.SCRATCH_CAP, TreeShap.FACTOR_BUDGET);
  }

  /**
   * As {@link #fromModelText(String)}, with TreeSHAP's per-tree scratch cap and per-model factor
   * budget (tests of the fallbacks).
   */
  static LightGbmTrees fromModelText(String modelText, int shapScratchCap, int shapFactorBudget)
      throws ModelLoadException {
    LightGbmModelText text = LightGbmModelText.check(modelText);
    if (text.averageOutput) {
      throw new ModelLoadException(
          "unsupported LightGBM model: average_output (boosting=rf) is not supported by the Java"
              + " scorer; load it with LightGbmModel");
    }
    return new LightGbmTrees(text, shapScratchCap, shapFactorBudget);
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
    checkRow(row);
    double[] x = prepare(row);
    double[] reached = PREPARED.get()[1];
    // Eight trees in lock-step, as many steps as the deepest of them: a walk is a chain of
    // dependent loads (node, feature value, child), so one tree alone leaves the CPU waiting;
    // eight independent chains fill that time, and since a finished walk stays at its leaf the
    // loop has no per-tree exit branch to mispredict. Two trees with an exit test each (the
    // previous version) measured about twice as slow; sorting the trees by depth keeps the
    // extra steps of shallow trees few.
    int i = 0;
    for (; i + LOCKSTEP <= treeCount; i += LOCKSTEP) {
      int n0 = walkRoot[walkOrder[i]];
      int n1 = walkRoot[walkOrder[i + 1]];
      int n2 = walkRoot[walkOrder[i + 2]];
      int n3 = walkRoot[walkOrder[i + 3]];
      int n4 = walkRoot[walkOrder[i + 4]];
      int n5 = walkRoot[walkOrder[i + 5]];
      int n6 = walkRoot[walkOrder[i + 6]];
      int n7 = walkRoot[walkOrder[i + 7]];
      for (int s = walkDepth[i + LOCKSTEP - 1]; s > 0; s--) {
        n0 = next(n0, x, row);
        n1 = next(n1, x, row);
        n2 = next(n2, x, row);
        n3 = next(n3, x, row);
        n4 = next(n4, x, row);
        n5 = next(n5, x, row);
        n6 = next(n6, x, row);
        n7 = next(n7, x, row);
      }
      reached[walkOrder[i]] = walkValue[n0];
      reached[walkOrder[i + 1]] = walkValue[n1];
      reached[walkOrder[i + 2]] = walkValue[n2];
      reached[walkOrder[i + 3]] = walkValue[n3];
      reached[walkOrder[i + 4]] = walkValue[n4];
      reached[walkOrder[i + 5]] = walkValue[n5];
      reached[walkOrder[i + 6]] = walkValue[n6];
      reached[walkOrder[i + 7]] = walkValue[n7];
    }
    for (; i < treeCount; i++) {
      int n = walkRoot[walkOrder[i]];
      for (int s = walkDepth[i]; s > 0; s--) {
        n = next(n, x, row);
      }
      reached[walkOrder[i]] = walkValue[n];
    }
    // summed in tree order, as LightGBM does, so the raw score is its own to the last bit
    double sum = 0.0;
    for (int t = 0; t < treeCount; t++) {
      sum += reached[t];
    }
    return sum;
  }

  /** One step of a lock-step walk from walk node {@code n}: the walk node the row goes to. */
  private int next(int n, double[] x, double[] row) {
    int at = n << 1;
    int read = walk[at];
    int first = walk[at + 1];
    if (read >= 0) {
      return first + (x[read] <= walkThreshold[n] ? 0 : 1);
    }
    int node = walkNode[n];
    return first + (decide(node, row[splitFeature[node]]) == left[node] ? 0 : 1);
  }

  /**
   * The row as the walk reads it, in this thread's scratch: LightGBM's rounding of values within
   * ±kZeroThreshold to zero done once, NaN as −∞ at {@code [0, featureCount)} and as +∞ at {@code
   * [featureCount, 2·featureCount)} (see {@link #readAt}). A real ±∞ compares as itself, as in
   * LightGBM. The array is reused by the next call on this thread.
   */
  double[] prepare(double[] row) {
    double[][] holder = PREPARED.get();
    double[] x = holder[0];
    if (x.length < 2 * featureCount) {
      x = new double[2 * featureCount];
      holder[0] = x;
    }
    if (holder[1].length < treeCount) {
      holder[1] = new double[treeCount];
    }
    int n = featureCount;
    for (int f = 0; f < n; f++) {
      double v = row[f];
      double rounded = Math.abs(v) <= ZERO_THRESHOLD ? 0.0 : v;
      boolean nan = Double.isNaN(v);
      x[f] = nan ? Double.NEGATIVE_INFINITY : rounded;
      x[n + f] = nan ? Double.POSITIVE_INFINITY : rounded;
    }
    return x;
  }

  /** One step of a walk from global node {@code node}: the child the row goes to. */
  private int step(int node, double[] x, double[] row) {
    int at = node << 2;
    int read = packed[at];
    if (read >= 0) {
      return x[read] <= threshold[node] ? packed[at + 1] : packed[at + 2];
    }
    return decide(node, row[splitFeature[node]]);
  }

  /** The probability of the positive class: {@code 1 / (1 + exp(-sigmoid · raw))}. */
  public double predictProbability(double[] row) {
    return 1.0 / (1.0 + Math.exp(-sigmoid * predictRaw(row)));
  }

  /** Size of the array {@link #contributions} fills: {@code featureCount() + 1}. */
  public int contributionCount() {
    return featureCount + 1;
  }

  /** The expected raw score over the training rows: the bias of every explanation. */
  public double expectedValue() {
    return expectedValue;
  }

  /**
   * Exact TreeSHAP of one row, as LightGBM's {@code pred_contrib}: {@code out[0..featureCount)} per
   * feature, {@code out[featureCount]} the expected value; they sum to {@link
   * #predictRaw(double[])}. Thread-safe, lock-free, allocates nothing.
   *
   * @return the raw score of the row
   * @throws IllegalArgumentException if {@code row.length < featureCount()} or {@code out.length <
   *     contributionCount()}
   */
  public double contributions(double[] row, double[] out) {
    checkRow(row);
    if (out.length < featureCount + 1) {
      throw new IllegalArgumentException(
          "out has " + out.length + " slots, contributions need " + (featureCount + 1));
    }
    return explain(row, out);
  }

  /**
   * The {@code k} features with the largest |SHAP value| for one row, in decreasing |value| (ties:
   * lower feature index first); features whose value is exactly 0 are never listed. Selects without
   * sorting every feature. Writes feature indices into {@code features[0..n)} and their SHAP values
   * into {@code values[0..n)}. Thread-safe, lock-free, allocates nothing.
   *
   * @return n ≤ k, the number of features written
   * @throws IllegalArgumentException if k is negative, the row is too short, or an output array is
   *     shorter than {@code min(k, featureCount())}
   */
  public int topContributions(double[] row, int k, int[] features, double[] values) {
    checkRow(row);
    if (k < 0) {
      throw new IllegalArgumentException("k is " + k + ", expected ≥ 0");
    }
    int wanted = Math.min(k, featureCount);
    if (features.length < wanted || values.length < wanted) {
      throw new IllegalArgumentException(
          "features/values hold "
              + Math.min(features.length, values.length)
              + " entries, "
              + wanted
              + " are needed");
    }
    double[] phi = shap.scratchPhi();
    explain(row, phi);
    return selectTop(phi, featureCount, wanted, features, values);
  }

  /**
   * Partial selection: one pass over the features keeping the best {@code k} in a small sorted
   * prefix of the outputs (insertion), so the cost is O(features) plus O(k) per insertion; no
   * feature after the first k that cannot enter the prefix costs more than one comparison.
   */
  static int selectTop(double[] phi, int count, int k, int[] features, double[] values) {
    if (k == 0) {
      return 0;
    }
    int n = 0;
    for (int f = 0; f < count; f++) {
      double v = phi[f];
      double a = Math.abs(v);
      if (a == 0.0 || (n == k && !(a > Math.abs(values[n - 1])))) {
        continue; // exact zeros never listed; a tie with the k-th keeps the lower index
      }
      int at = n == k ? k - 1 : n++;
      while (at > 0 && a > Math.abs(values[at - 1])) {
        features[at] = features[at - 1];
        values[at] = values[at - 1];
        at--;
      }
      features[at] = f;
      values[at] = v;
    }
    return n;
  }

  private double explain(double[] row, double[] out) {
    Arrays.fill(out, 0, featureCount, 0.0);
    double raw = shap.accumulate(row, out);
    out[featureCount] = expectedValue;
    return raw;
  }

  private void checkRow(double[] row) {
    if (row.length < featureCount) {
      throw new IllegalArgumentException(
          "row has " + row.length + " values, the model needs " + featureCount);
    }
  }

  /**
   * Decides every node of every tree for one row, {@link #prepare}d as {@code x}: {@code out[node]}
   * is whether the row goes left there.
   */
  void decideAll(double[] x, double[] row, boolean[] out) {
    for (int node = 0; node < threshold.length; node++) {
      int read = packed[node << 2];
      out[node] =
          read >= 0
              ? x[read] <= threshold[node]
              : decide(node, row[splitFeature[node]]) == left[node];
    }
  }

  double leafValue(int globalLeaf) {
    return leafValue[globalLeaf];
  }

  int splitFeatureOf(int node) {
    return splitFeature[node];
  }

  int leftChild(int node) {
    return left[node];
  }

  int rightChild(int node) {
    return right[node];
  }

  double leftFraction(int node) {
    return leftFraction[node];
  }

  double rightFraction(int node) {
    return rightFraction[node];
  }

  /** Whether some tree is explained by the classic fallback rather than by quadrature. */
  boolean explainsClassically() {
    return shap.anyClassic();
  }

  /** The global leaf index the row, {@link #prepare}d as {@code x}, reaches in tree {@code t}. */
  int leafOf(int t, double[] x, double[] row) {
    int node = treeRoot[t];
    while (node >= 0) {
      node = step(node, x, row);
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

  /** The depth of the deepest tree, for tests that must cover deep chains. */
  int maxDepth() {
    return shap.maxDepth();
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
