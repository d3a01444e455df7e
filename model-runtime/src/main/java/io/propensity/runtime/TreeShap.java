package io.propensity.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact path-dependent TreeSHAP (LightGBM's {@code pred_contrib}) for the trees of a {@link
 * LightGbmTrees}, with everything a row needs precomputed at load.
 *
 * <p><b>The algorithm, and why this one.</b> For one leaf of value {@code v} whose path splits on
 * the unique features {@code U} (|U| = d), with {@code z_u} the fraction of training rows that
 * follow the path's splits on {@code u} (the product of {@code count(child)/count(node)} over them)
 * and {@code o_u} = 1 if this row follows all of them, else 0, TreeSHAP gives feature {@code i ∈ U}
 * the Shapley value
 *
 * <pre>
 *   v (o_i − z_i) Σ_{S ⊆ U∖i} |S|!(d−|S|−1)!/d! Π_{u∈S} o_u Π_{u∈U∖i∖S} z_u
 *     = v (o_i − z_i) ∫₀¹ Π_{u∈U∖i} (z_u (1−t) + o_u t) dt,
 * </pre>
 *
 * since the Shapley weight is the Beta integral ∫ t^|S| (1−t)^(d−|S|−1) dt. The integrand is a
 * polynomial of degree d − 1, so Gauss–Legendre quadrature with ⌈d/2⌉ points is exact. Summing over
 * leaves, the integrals share factors along the paths, so one bottom-up pass (the sum under each
 * node of leaf values times the factors below it) and one top-down pass (the product of the factors
 * above it) give every node's contribution to its split feature in O(m) each: O(nodes × m) per tree
 * and row, m = ⌈(most unique features on a path) / 2⌉, against the classic algorithm's O(leaves ×
 * depth²). This is Linear TreeSHAP's idea (Yu et al., 2022) with the polynomials kept as their
 * values at the quadrature points instead of in a Chebyshev basis, which needs no interpolation and
 * stays accurate at any depth. FastTreeSHAP v2's tables were the alternative: O(leaves × depth) per
 * row but 2^d entries per leaf, megabytes per tree once leaf-wise growth reaches depth 12–15, and a
 * random table row per leaf and row, i.e. cache misses; this needs only the per-node fractions and
 * a scratch of nodes × m doubles per thread.
 *
 * <p>A feature repeated on a path combines multiplicatively ({@code z} = product, {@code o} = AND
 * of the splits on it). At a node splitting again on a feature already split above, the edge factor
 * is the ratio of the new combined factor to the previous one (both positive inside (0, 1), as
 * every count is positive), and the contribution the earlier node attributed to the leaves below is
 * subtracted there and attributed again with the combined fractions, so each leaf is attributed
 * once, by the deepest split on the feature.
 *
 * <p>Trees whose scratch would exceed {@link #SCRATCH_CAP} doubles (tens of thousands of nodes)
 * fall back to the classic algorithm (Lundberg's Algorithm 2, as LightGBM's {@code Tree::TreeSHAP}
 * runs it), whose scratch is O(depth²); trees deeper than {@link #MAX_DEPTH} are refused at load.
 */
final class TreeShap {

  /** Most doubles of per-thread scratch one tree may use before it is explained classically. */
  static final int SCRATCH_CAP = 1 << 20;

  /** Blocks of precomputed factors per node: see {@link #factorBase}. */
  private static final int FACTOR_BLOCKS = 5;

  /** Most doubles of precomputed edge factors per model; later trees compute them per row. */
  static final int FACTOR_BUDGET = 1 << 23;

  /** The deepest tree explained (the classic fallback's scratch grows with depth²). */
  static final int MAX_DEPTH = 1000;

  private final LightGbmTrees trees;
  private final int featureCount;

  /** Per tree: its first position in the preorder arrays below, and its internal node count. */
  private final int[] orderBase;

  private final int[] orderSize;

  /** Per tree: its number of quadrature points, and their offset in {@link #qt}/{@link #qw}. */
  private final int[] points;

  private final int[] pointsBase;

  /** Per tree: explained by the classic algorithm (scratch over the cap). */
  private final boolean[] classic;

  /** Per preorder position: the global node. */
  private final int[] orderNode;

  /** Per preorder position: the left child's position in its tree, or ~global leaf. */
  private final int[] orderLeft;

  private final int[] orderRight;

  /**
   * Per preorder position: the position of the nearest ancestor splitting on the same feature, or
   * −1 (first split on the feature along this path).
   */
  private final int[] previous;

  /** Per preorder position with a previous split: whether this node lies left of it. */
  private final boolean[] previousLeft;

  /** Per preorder position: the product of the fractions of the earlier splits on its feature. */
  private final double[] previousZero;

  /**
   * Per tree: where its edge factors start in {@link #factors}, or −1 when they are computed on the
   * fly (over {@link #FACTOR_BUDGET}). Per preorder position, five blocks of the tree's points: the
   * factor of the left child followed, not followed, the right child followed, not followed (for a
   * first split on the feature z + (1 − z)t and z(1 − t); for a repeated one whose earlier splits
   * the row followed, the ratio of the combined factors), and 1 / (zp(1 − t) + t), the earlier
   * splits' combined factor inverted.
   */
  private final int[] factorBase;

  private final double[] factors;

  /** Quadrature points t on [0, 1], 1 − t, and weights, per tree at {@link #pointsBase}. */
  private final double[] qt;

  private final double[] qu;
  private final double[] qw;

  private final int maxDepth;
  private final int scratchDoubles;
  private final int maxPoints;
  private final int scratchNodes;
  private final int classicPath;

  /** Per-thread working memory, so a row allocates nothing. */
  private final ThreadLocal<Scratch> scratch;

  TreeShap(
      LightGbmTrees trees, List<LightGbmModelText.Tree> texts, int scratchCap, int factorBudget)
      throws ModelLoadException {
    this.trees = trees;
    this.featureCount = trees.featureCount();
    int treeCount = texts.size();
    orderBase = new int[treeCount];
    orderSize = new int[treeCount];
    points = new int[treeCount];
    pointsBase = new int[treeCount];
    classic = new boolean[treeCount];
    int totalNodes = 0;
    for (LightGbmModelText.Tree tree : texts) {
      totalNodes += tree.leaves() - 1;
    }
    orderNode = new int[totalNodes];
    orderLeft = new int[totalNodes];
    orderRight = new int[totalNodes];
    previous = new int[totalNodes];
    previousLeft = new boolean[totalNodes];
    previousZero = new double[totalNodes];
    Map<Integer, double[][]> rules = new HashMap<>();
    List<double[][]> treeRules = new ArrayList<>();
    int pointsTotal = 0;
    int maxScratch = 1;
    int maxNodes = 1;
    int classicDepth = 0;
    int deepest = 0;
    int nodeBase = 0;
    int leafBase = 0;
    for (int t = 0; t < treeCount; t++) {
      LightGbmModelText.Tree tree = texts.get(t);
      int nodes = tree.leaves() - 1;
      orderBase[t] = nodeBase;
      orderSize[t] = nodes;
      int depth = nodes == 0 ? 0 : layOut(tree, nodeBase, leafBase);
      deepest = Math.max(deepest, depth);
      if (depth > MAX_DEPTH) {
        throw new ModelLoadException(
            "unsupported LightGBM model: tree "
                + t
                + " is "
                + depth
                + " levels deep; the Java scorer explains trees up to "
                + MAX_DEPTH
                + " levels");
      }
      int m = Math.max(1, (mostUniqueFeatures(tree) + 1) / 2);
      points[t] = m;
      pointsBase[t] = pointsTotal;
      double[][] rule = rules.computeIfAbsent(m, TreeShap::gaussLegendre);
      treeRules.add(rule);
      pointsTotal += m;
      if ((long) nodes * m > scratchCap) {
        classic[t] = true;
        classicDepth = Math.max(classicDepth, depth);
      } else {
        maxScratch = Math.max(maxScratch, nodes * m);
        maxNodes = Math.max(maxNodes, nodes);
      }
      nodeBase += nodes;
      leafBase += tree.leaves();
    }
    qt = new double[pointsTotal];
    qu = new double[pointsTotal];
    qw = new double[pointsTotal];
    for (int t = 0; t < treeCount; t++) {
      double[][] rule = treeRules.get(t);
      for (int j = 0; j < points[t]; j++) {
        qt[pointsBase[t] + j] = rule[0][j];
        qu[pointsBase[t] + j] = 1.0 - rule[0][j];
        qw[pointsBase[t] + j] = rule[1][j];
      }
    }
    factorBase = new int[treeCount];
    long factorTotal = 0;
    for (int t = 0; t < treeCount; t++) {
      long need = (long) FACTOR_BLOCKS * orderSize[t] * points[t];
      boolean fits = !classic[t] && factorTotal + need <= factorBudget;
      factorBase[t] = fits ? (int) factorTotal : -1;
      factorTotal += fits ? need : 0;
    }
    factors = new double[(int) factorTotal];
    for (int t = 0; t < treeCount; t++) {
      for (int p = 0; p < orderSize[t] && factorBase[t] >= 0; p++) {
        int at = orderBase[t] + p;
        int node = orderNode[at];
        int m = points[t];
        // With zp = 1 at a first split on the feature, one formula serves both kinds of node.
        double zp = previousZero[at];
        double zl = zp * trees.leftFraction(node);
        double zr = zp * trees.rightFraction(node);
        for (int j = 0; j < m; j++) {
          double tj = qt[pointsBase[t] + j];
          double u = qu[pointsBase[t] + j];
          double before = zp * u + tj;
          int block = factorBase[t] + FACTOR_BLOCKS * p * m + j;
          factors[block] = (zl * u + tj) / before;
          factors[block + m] = zl * u / before;
          factors[block + 2 * m] = (zr * u + tj) / before;
          factors[block + 3 * m] = zr * u / before;
          factors[block + 4 * m] = 1.0 / before;
        }
      }
    }
    maxDepth = deepest;
    scratchDoubles = maxScratch;
    maxPoints = Arrays.stream(points).max().orElse(1);
    scratchNodes = maxNodes;
    classicPath = classicDepth == 0 ? 1 : (classicDepth + 2) * (classicDepth + 3) / 2;
    scratch = ThreadLocal.withInitial(Scratch::new);
  }

  /**
   * Fills this tree's preorder arrays (a node before its children, the left subtree first) and
   * returns the tree's depth. Iterative, since a leaf-wise tree can be a long chain.
   */
  private int layOut(LightGbmModelText.Tree tree, int nodeBase, int leafBase) {
    int nodes = tree.leaves() - 1;
    int[] position = new int[nodes];
    int[] parent = new int[nodes];
    int[] nodeDepth = new int[nodes];
    int[] stack = new int[nodes];
    int top = 0;
    int next = 0;
    int depth = 0;
    stack[top++] = 0;
    parent[0] = -1;
    while (top > 0) {
      int n = stack[--top];
      position[n] = next++;
      for (int child : new int[] {tree.right()[n], tree.left()[n]}) {
        if (child >= 0) {
          parent[child] = n;
          nodeDepth[child] = nodeDepth[n] + 1;
          stack[top++] = child;
        } else {
          depth = Math.max(depth, nodeDepth[n] + 1);
        }
      }
    }
    for (int n = 0; n < nodes; n++) {
      int at = nodeBase + position[n];
      orderNode[at] = nodeBase + n;
      orderLeft[at] = childPosition(tree.left()[n], position, leafBase);
      orderRight[at] = childPosition(tree.right()[n], position, leafBase);
      previous[at] = -1;
      previousZero[at] = 1.0;
    }
    // In preorder, so an earlier split's combined fraction is known before a later one needs it.
    for (int p = 0; p < nodes; p++) {
      int at = nodeBase + p;
      int n = orderNode[at] - nodeBase;
      int feature = tree.splitFeature()[n];
      int child = n;
      for (int a = parent[n]; a >= 0; child = a, a = parent[a]) {
        if (tree.splitFeature()[a] == feature) {
          boolean isLeft = tree.left()[a] == child;
          int prev = nodeBase + position[a];
          previous[at] = position[a];
          previousLeft[at] = isLeft;
          double count = tree.internalCount()[a];
          double fraction = (double) tree.internalCount()[child] / count;
          previousZero[at] = previousZero[prev] * fraction;
          break;
        }
      }
    }
    return depth;
  }

  private static int childPosition(int child, int[] position, int leafBase) {
    return child >= 0 ? position[child] : ~(leafBase + ~child);
  }

  /** The most distinct features on one root-to-leaf path. */
  private static int mostUniqueFeatures(LightGbmModelText.Tree tree) {
    int nodes = tree.leaves() - 1;
    if (nodes == 0) {
      return 0;
    }
    Map<Integer, Integer> onPath = new HashMap<>();
    int most = 0;
    // Iterative DFS: +1 entering a node, -1 leaving it (encoded as ~node on the stack).
    int[] stack = new int[2 * nodes + 2];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      int item = stack[--top];
      if (item < 0) {
        onPath.merge(tree.splitFeature()[~item], -1, Integer::sum);
        onPath.remove(tree.splitFeature()[~item], 0);
        continue;
      }
      onPath.merge(tree.splitFeature()[item], 1, Integer::sum);
      most = Math.max(most, onPath.size());
      stack[top++] = ~item;
      for (int child : new int[] {tree.left()[item], tree.right()[item]}) {
        if (child >= 0) {
          stack[top++] = child;
        }
      }
    }
    return most;
  }

  /**
   * Gauss–Legendre points and weights on [0, 1]: Newton's method on the Legendre recurrence from
   * the classic cosine guesses, exact for polynomials up to degree 2m − 1.
   */
  static double[][] gaussLegendre(int m) {
    double[] x = new double[m];
    double[] w = new double[m];
    for (int i = 0; i < (m + 1) / 2; i++) {
      double z = Math.cos(Math.PI * (i + 0.75) / (m + 0.5));
      for (int iteration = 0; iteration < 100; iteration++) {
        double[] p = legendre(m, z);
        double step = p[0] / derivative(m, z, p);
        z -= step;
        if (Math.abs(step) < 1e-17) {
          break;
        }
      }
      double derivative = derivative(m, z, legendre(m, z));
      double weight = 2.0 / ((1.0 - z * z) * derivative * derivative);
      x[i] = (1.0 - z) / 2.0;
      x[m - 1 - i] = (1.0 + z) / 2.0;
      w[i] = weight / 2.0;
      w[m - 1 - i] = weight / 2.0;
    }
    return new double[][] {x, w};
  }

  /** {P_m(z), P_(m−1)(z)} by the three-term recurrence. */
  private static double[] legendre(int m, double z) {
    double p0 = 1.0;
    double p1 = 0.0;
    for (int k = 1; k <= m; k++) {
      double p2 = p1;
      p1 = p0;
      p0 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p2) / k;
    }
    return new double[] {p0, p1};
  }

  /** P_m'(z) from P_m(z) and P_(m−1)(z). */
  private static double derivative(int m, double z, double[] p) {
    return m * (z * p[0] - p[1]) / (z * z - 1.0);
  }

  /**
   * Adds every tree's SHAP values of {@code row} into {@code phi[0..featureCount)} (which the
   * caller cleared) and returns the raw score.
   */
  double accumulate(double[] row, double[] phi) {
    Scratch s = scratch.get();
    double[] x = trees.prepare(row);
    double raw = 0.0;
    for (int t = 0; t < orderSize.length; t++) {
      if (orderSize[t] == 0) {
        raw += trees.leafValue(trees.leafOf(t, x, row));
      } else if (classic[t]) {
        raw += trees.leafValue(trees.leafOf(t, x, row));
        classicTree(row, phi, s, orderNode[orderBase[t]], 0, 0, 1.0, 1.0, -1);
      } else {
        raw += quadratureTree(t, x, row, phi, s);
      }
    }
    return raw;
  }

  /** The scratch phi vector of the calling thread, for top-k selection without allocating. */
  double[] scratchPhi() {
    return scratch.get().phi;
  }

  private double quadratureTree(int t, double[] x, double[] row, double[] phi, Scratch s) {
    int base = orderBase[t];
    int nodes = orderSize[t];
    int m = points[t];
    int qb = pointsBase[t];
    double[] preW = s.preW;
    double[] sub = s.sub;
    boolean[] goLeft = s.goLeft;
    boolean[] hot = s.hot;
    int fb = factorBase[t];
    System.arraycopy(qw, qb, preW, 0, m);
    // Top-down: decisions, whether the row follows every earlier split on the node's feature,
    // and the weighted product of the factors above each node.
    for (int p = 0; p < nodes; p++) {
      int at = base + p;
      int node = orderNode[at];
      boolean left = trees.goesLeft(node, x, row);
      goLeft[p] = left;
      int prev = previous[at];
      boolean followed = prev < 0 || (hot[prev] && goLeft[prev] == previousLeft[at]);
      hot[p] = followed;
      int lp = orderLeft[at];
      int rp = orderRight[at];
      int off = p * m;
      if (fb >= 0 && followed) {
        int edges = fb + FACTOR_BLOCKS * p * m;
        if (lp >= 0) {
          scale(preW, off, lp * m, m, factors, edges + (left ? 0 : m));
        }
        if (rp >= 0) {
          scale(preW, off, rp * m, m, factors, edges + (left ? 3 * m : 2 * m));
        }
      } else if (fb >= 0) {
        // The row left an earlier split on this feature: the combined factor only gains z.
        if (lp >= 0) {
          scale(preW, off, lp * m, m, trees.leftFraction(node));
        }
        if (rp >= 0) {
          scale(preW, off, rp * m, m, trees.rightFraction(node));
        }
      } else if (prev < 0) {
        if (lp >= 0) {
          down(preW, off, lp * m, m, qb, trees.leftFraction(node), left);
        }
        if (rp >= 0) {
          down(preW, off, rp * m, m, qb, trees.rightFraction(node), !left);
        }
      } else {
        double zp = previousZero[at];
        if (lp >= 0) {
          downAgain(preW, off, lp * m, m, qb, zp, followed, trees.leftFraction(node), left);
        }
        if (rp >= 0) {
          downAgain(preW, off, rp * m, m, qb, zp, followed, trees.rightFraction(node), !left);
        }
      }
    }
    // Bottom-up: the sum under each node of leaf values times the factors below it, and each
    // node's contribution to its feature. A leaf child's sum is its value at every point, copied
    // into one of two spare blocks after the nodes' so that every loop reads the same way.
    int spare = nodes * m;
    for (int p = nodes - 1; p >= 0; p--) {
      int at = base + p;
      int node = orderNode[at];
      boolean left = goLeft[p];
      int hotChild = left ? orderLeft[at] : orderRight[at];
      int coldChild = left ? orderRight[at] : orderLeft[at];
      double zh = left ? trees.leftFraction(node) : trees.rightFraction(node);
      double zc = left ? trees.rightFraction(node) : trees.leftFraction(node);
      int off = p * m;
      double acc = 0.0;
      if (previous[at] < 0 && hotChild < 0 && coldChild < 0) {
        // Two leaves: the same difference at every point.
        double vh = trees.leafValue(~hotChild);
        double both = zh * vh + zc * trees.leafValue(~coldChild);
        double delta = vh - both;
        double weight = 0.0;
        for (int j = 0; j < m; j++) {
          sub[off + j] = both + qt[qb + j] * delta;
          weight += preW[off + j];
        }
        acc = weight * delta;
      } else if (previous[at] < 0) {
        int hOff = hotChild >= 0 ? hotChild * m : fill(sub, spare, m, trees.leafValue(~hotChild));
        int cOff =
            coldChild >= 0 ? coldChild * m : fill(sub, spare + m, m, trees.leafValue(~coldChild));
        for (int j = 0; j < m; j++) {
          double sh = sub[hOff + j];
          double both = zh * sh + zc * sub[cOff + j];
          double delta = sh - both;
          sub[off + j] = both + qt[qb + j] * delta;
          acc += preW[off + j] * delta;
        }
      } else if (!hot[p]) {
        // The row left an earlier split on this feature, so no leaf below can turn it on: no
        // contribution, and the sums mix the children by their fractions alone.
        int hOff = hotChild >= 0 ? hotChild * m : fill(sub, spare, m, trees.leafValue(~hotChild));
        int cOff =
            coldChild >= 0 ? coldChild * m : fill(sub, spare + m, m, trees.leafValue(~coldChild));
        for (int j = 0; j < m; j++) {
          sub[off + j] = zh * sub[hOff + j] + zc * sub[cOff + j];
        }
      } else {
        // The row followed every earlier split on this feature (op = 1).
        int hOff = hotChild >= 0 ? hotChild * m : fill(sub, spare, m, trees.leafValue(~hotChild));
        int cOff =
            coldChild >= 0 ? coldChild * m : fill(sub, spare + m, m, trees.leafValue(~coldChild));
        int inverse = fb + FACTOR_BLOCKS * p * m + 4 * m;
        double zp = previousZero[at];
        double zch = zp * zh;
        double zcc = zp * zc;
        for (int j = 0; j < m; j++) {
          double sh = sub[hOff + j];
          double sc = sub[cOff + j];
          double u = qu[qb + j];
          double inv = fb >= 0 ? factors[inverse + j] : 1.0 / (zp * u + qt[qb + j]);
          double sum = ((zch * u + qt[qb + j]) * sh + zcc * u * sc) * inv;
          sub[off + j] = sum;
          acc += preW[off + j] * (((1.0 - zch) * sh - zcc * sc - (1.0 - zp) * sum) * inv);
        }
      }
      phi[trees.splitFeatureOf(node)] += acc;
    }
    // The raw score: the leaf the row reaches, from the decisions already taken.
    int p = 0;
    while (true) {
      int child = goLeft[p] ? orderLeft[base + p] : orderRight[base + p];
      if (child < 0) {
        return trees.leafValue(~child);
      }
      p = child;
    }
  }

  private static int fill(double[] sub, int at, int m, double value) {
    for (int j = 0; j < m; j++) {
      sub[at + j] = value;
    }
    return at;
  }

  private static void scale(double[] preW, int from, int to, int m, double z) {
    for (int j = 0; j < m; j++) {
      preW[to + j] = preW[from + j] * z;
    }
  }

  private static void scale(double[] preW, int from, int to, int m, double[] factors, int factor) {
    for (int j = 0; j < m; j++) {
      preW[to + j] = preW[from + j] * factors[factor + j];
    }
  }

  /**
   * A first split on its feature: the factor is z + (1 − z)t if the row goes there, else z(1−t).
   */
  private void down(double[] preW, int from, int to, int m, int qb, double z, boolean followed) {
    if (followed) {
      for (int j = 0; j < m; j++) {
        preW[to + j] = preW[from + j] * (z + (1.0 - z) * qt[qb + j]);
      }
    } else {
      for (int j = 0; j < m; j++) {
        preW[to + j] = preW[from + j] * (z * qu[qb + j]);
      }
    }
  }

  /** A repeated feature: the ratio of the new combined factor to the one of the earlier splits. */
  private void downAgain(
      double[] preW,
      int from,
      int to,
      int m,
      int qb,
      double zp,
      boolean followedBefore,
      double z,
      boolean followed) {
    double op = followedBefore ? 1.0 : 0.0;
    double oc = followedBefore && followed ? 1.0 : 0.0;
    double zc = zp * z;
    for (int j = 0; j < m; j++) {
      double u = qu[qb + j];
      double tj = qt[qb + j];
      preW[to + j] = preW[from + j] * ((zc * u + oc * tj) / (zp * u + op * tj));
    }
  }

  /**
   * Lundberg's TreeSHAP (Algorithm 2, as LightGBM's {@code Tree::TreeSHAP} runs it), for trees too
   * large for the quadrature scratch: the path of unique features from the root, each with the
   * fraction of training rows that follow it (zero fraction) and whether this row follows it (one
   * fraction), and the permutation weights of every subset size; a repeated feature is unwound and
   * re-entered with the product of its fractions. The path of depth {@code d} lives at {@code
   * s.path*[base .. base + d]}, the child's right after it, so the recursion copies instead of
   * undoing.
   */
  private void classicTree(
      double[] row,
      double[] phi,
      Scratch s,
      int node,
      int parentBase,
      int depth,
      double zeroFraction,
      double oneFraction,
      int feature) {
    int base = parentBase + depth;
    if (depth > 0) {
      System.arraycopy(s.pathFeature, parentBase, s.pathFeature, base, depth);
      System.arraycopy(s.pathZero, parentBase, s.pathZero, base, depth);
      System.arraycopy(s.pathOne, parentBase, s.pathOne, base, depth);
      System.arraycopy(s.pathWeight, parentBase, s.pathWeight, base, depth);
    }
    extendPath(s, base, depth, zeroFraction, oneFraction, feature);
    if (node < 0) {
      double value = trees.leafValue(~node);
      for (int i = 1; i <= depth; i++) {
        double w = unwoundPathSum(s, base, depth, i);
        phi[s.pathFeature[base + i]] += w * (s.pathOne[base + i] - s.pathZero[base + i]) * value;
      }
      return;
    }
    int split = trees.splitFeatureOf(node);
    boolean hotLeft = trees.goesLeft(node, row);
    int hot = hotLeft ? trees.leftChild(node) : trees.rightChild(node);
    int cold = hotLeft ? trees.rightChild(node) : trees.leftChild(node);
    double hotZero = hotLeft ? trees.leftFraction(node) : trees.rightFraction(node);
    double coldZero = hotLeft ? trees.rightFraction(node) : trees.leftFraction(node);
    double incomingZero = 1.0;
    double incomingOne = 1.0;
    int d = depth;
    int at = 0;
    while (at <= d && s.pathFeature[base + at] != split) {
      at++;
    }
    if (at <= d) {
      incomingZero = s.pathZero[base + at];
      incomingOne = s.pathOne[base + at];
      unwindPath(s, base, d, at);
      d--;
    }
    classicTree(row, phi, s, hot, base, d + 1, hotZero * incomingZero, incomingOne, split);
    classicTree(row, phi, s, cold, base, d + 1, coldZero * incomingZero, 0.0, split);
  }

  private static void extendPath(
      Scratch s, int base, int depth, double zeroFraction, double oneFraction, int feature) {
    double[] w = s.pathWeight;
    s.pathFeature[base + depth] = feature;
    s.pathZero[base + depth] = zeroFraction;
    s.pathOne[base + depth] = oneFraction;
    w[base + depth] = depth == 0 ? 1.0 : 0.0;
    for (int i = depth - 1; i >= 0; i--) {
      w[base + i + 1] += oneFraction * w[base + i] * (i + 1) / (double) (depth + 1);
      w[base + i] = zeroFraction * w[base + i] * (depth - i) / (double) (depth + 1);
    }
  }

  private static void unwindPath(Scratch s, int base, int depth, int index) {
    double[] w = s.pathWeight;
    double one = s.pathOne[base + index];
    double zero = s.pathZero[base + index];
    double next = w[base + depth];
    for (int i = depth - 1; i >= 0; i--) {
      if (one != 0) {
        double tmp = w[base + i];
        w[base + i] = next * (depth + 1) / ((i + 1) * one);
        next = tmp - w[base + i] * zero * (depth - i) / (double) (depth + 1);
      } else {
        w[base + i] = w[base + i] * (depth + 1) / (zero * (depth - i));
      }
    }
    for (int i = index; i < depth; i++) {
      s.pathFeature[base + i] = s.pathFeature[base + i + 1];
      s.pathZero[base + i] = s.pathZero[base + i + 1];
      s.pathOne[base + i] = s.pathOne[base + i + 1];
    }
  }

  private static double unwoundPathSum(Scratch s, int base, int depth, int index) {
    double[] w = s.pathWeight;
    double one = s.pathOne[base + index];
    double zero = s.pathZero[base + index];
    double next = w[base + depth];
    double total = 0.0;
    for (int i = depth - 1; i >= 0; i--) {
      if (one != 0) {
        double tmp = next * (depth + 1) / ((i + 1) * one);
        total += tmp;
        next = w[base + i] - tmp * zero * ((depth - i) / (double) (depth + 1));
      } else {
        total += (w[base + i] / zero) / ((depth - i) / (double) (depth + 1));
      }
    }
    return total;
  }

  /** The depth of the deepest tree. */
  int maxDepth() {
    return maxDepth;
  }

  /** Whether any tree is explained classically (for tests of the fallback). */
  boolean anyClassic() {
    for (boolean c : classic) {
      if (c) {
        return true;
      }
    }
    return false;
  }

  /** Per-thread working memory of one explanation; never shared between threads. */
  private final class Scratch {
    final double[] phi = new double[featureCount + 1];
    final double[] preW = new double[scratchDoubles];
    final double[] sub = new double[scratchDoubles + 2 * maxPoints];
    final boolean[] goLeft = new boolean[scratchNodes];
    final boolean[] hot = new boolean[scratchNodes];
    final int[] pathFeature = new int[classicPath];
    final double[] pathZero = new double[classicPath];
    final double[] pathOne = new double[classicPath];
    final double[] pathWeight = new double[classicPath];
  }

  @Override
  public String toString() {
    return "TreeShap" + Arrays.toString(points);
  }
}
