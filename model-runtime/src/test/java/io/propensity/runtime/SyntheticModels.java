package io.propensity.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * LightGBM text models written directly, not trained: tree shapes training rarely produces (chains
 * as deep as the leaves allow, one or two features repeated all along a path, single-leaf trees,
 * categorical bitsets over several words) with consistent counts, so the Java TreeSHAP can be
 * compared with LightGBM's on them. Thresholds come from a small grid that {@link #rows} probes
 * exactly, just below and just above.
 */
final class SyntheticModels {

  /** A generated model: its text, how many features it has and which are categorical. */
  record Model(String text, int features, List<Boolean> categorical, List<Double> thresholds) {}

  private static final double[] GRID = {-2, -1, -0.5, 0, 1e-35, 0.25, 0.5, 1, 2, 7.5};

  private static final double[] SPECIAL = {
    Double.NaN,
    0.0,
    -0.0,
    1e-36,
    -1e-36,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    1e30,
    -1e30,
    -1,
    -0.5,
    3e9
  };

  private SyntheticModels() {}

  static Model model(Random random) {
    int features = 1 + random.nextInt(10);
    boolean[] categorical = new boolean[features];
    for (int f = 0; f < features; f++) {
      categorical[f] = random.nextInt(4) == 0;
    }
    int trees = 1 + random.nextInt(8);
    List<Double> thresholds = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    text.append("tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n");
    text.append("max_feature_idx=").append(features - 1).append('\n');
    text.append("objective=binary sigmoid:1\nfeature_names=");
    for (int f = 0; f < features; f++) {
      text.append(f == 0 ? "" : " ").append("f").append(f);
    }
    text.append("\nfeature_infos=");
    for (int f = 0; f < features; f++) {
      text.append(f == 0 ? "" : " ").append(categorical[f] ? "0:1:2:3" : "[-10:10]");
    }
    text.append("\n\n");
    for (int t = 0; t < trees; t++) {
      text.append("Tree=").append(t).append('\n');
      tree(random, categorical, thresholds, text);
      text.append('\n');
    }
    text.append("end of trees\n\npandas_categorical:null\n");
    List<Boolean> kinds = new ArrayList<>();
    for (boolean c : categorical) {
      kinds.add(c);
    }
    return new Model(text.toString(), features, List.copyOf(kinds), List.copyOf(thresholds));
  }

  /** Grows one tree as LightGBM's {@code Tree::Split} numbers it: node i is the i-th split. */
  private static void tree(
      Random random, boolean[] categorical, List<Double> thresholds, StringBuilder text) {
    int[] sizes = {1, 2, 3, 7, 15, 31, 31, 63};
    int leaves = sizes[random.nextInt(sizes.length)];
    boolean chain = random.nextInt(3) == 0;
    int features = categorical.length;
    int[] pool = new int[random.nextInt(3) == 0 ? 1 + random.nextInt(2) : features];
    for (int k = 0; k < pool.length; k++) {
      pool[k] = pool.length == features ? k : random.nextInt(features);
    }
    int nodes = leaves - 1;
    int[] splitFeature = new int[nodes];
    double[] threshold = new double[nodes];
    int[] decisionType = new int[nodes];
    int[] left = new int[nodes];
    int[] right = new int[nodes];
    int[] leafParent = new int[leaves];
    leafParent[0] = -1;
    List<int[]> bitsets = new ArrayList<>();
    int lastSplit = 0;
    for (int n = 0; n < nodes; n++) {
      int numLeaves = n + 1;
      // A chain splits one of the two leaves the last split made, so each split is one level
      // deeper: depth = leaves - 1.
      int leaf =
          chain ? (random.nextBoolean() ? lastSplit : numLeaves - 1) : random.nextInt(numLeaves);
      lastSplit = leaf;
      int parent = leafParent[leaf];
      if (parent >= 0) {
        if (left[parent] == ~leaf) {
          left[parent] = n;
        } else {
          right[parent] = n;
        }
      }
      int feature = pool[random.nextInt(pool.length)];
      splitFeature[n] = feature;
      if (categorical[feature]) {
        int words = 1 + random.nextInt(3);
        int[] bits = new int[words];
        for (int w = 0; w < words; w++) {
          bits[w] = random.nextInt();
        }
        decisionType[n] = 1 | (2 << 2); // categorical, NaN missing, as LightGBM writes them
        threshold[n] = bitsets.size();
        bitsets.add(bits);
      } else {
        threshold[n] = GRID[random.nextInt(GRID.length)];
        thresholds.add(threshold[n]);
        decisionType[n] = (random.nextBoolean() ? 2 : 0) | (random.nextInt(3) << 2);
      }
      left[n] = ~leaf;
      right[n] = ~numLeaves;
      leafParent[leaf] = n;
      leafParent[numLeaves] = n;
    }
    double[] leafValue = new double[leaves];
    int[] leafCount = new int[leaves];
    for (int l = 0; l < leaves; l++) {
      leafValue[l] = random.nextInt(10) == 0 ? 20 * random.nextGaussian() : random.nextGaussian();
      leafCount[l] = random.nextInt(5) == 0 ? 1 : 1 + random.nextInt(2000);
    }
    int[] internalCount = new int[nodes];
    for (int n = nodes - 1; n >= 0; n--) { // children are numbered after their parent
      internalCount[n] = count(left[n], leafCount, internalCount);
      internalCount[n] += count(right[n], leafCount, internalCount);
    }
    text.append("num_leaves=").append(leaves).append('\n');
    text.append("num_cat=").append(bitsets.size()).append('\n');
    if (leaves > 1) {
      text.append("split_feature=").append(join(splitFeature)).append('\n');
      text.append("split_gain=").append(join(new int[nodes])).append('\n');
      text.append("threshold=").append(join(threshold)).append('\n');
      text.append("decision_type=").append(join(decisionType)).append('\n');
      text.append("left_child=").append(join(left)).append('\n');
      text.append("right_child=").append(join(right)).append('\n');
    }
    text.append("leaf_value=").append(join(leafValue)).append('\n');
    text.append("leaf_weight=").append(join(leafCount)).append('\n');
    text.append("leaf_count=").append(join(leafCount)).append('\n');
    if (leaves > 1) {
      text.append("internal_value=").append(join(new int[nodes])).append('\n');
      text.append("internal_weight=").append(join(internalCount)).append('\n');
      text.append("internal_count=").append(join(internalCount)).append('\n');
    }
    if (!bitsets.isEmpty()) {
      StringBuilder bounds = new StringBuilder("0");
      StringBuilder words = new StringBuilder();
      int total = 0;
      for (int[] bits : bitsets) {
        total += bits.length;
        bounds.append(' ').append(total);
        for (int word : bits) {
          words.append(words.length() == 0 ? "" : " ").append(Integer.toUnsignedString(word));
        }
      }
      text.append("cat_boundaries=").append(bounds).append('\n');
      text.append("cat_threshold=").append(words).append('\n');
    }
    text.append("is_linear=0\nshrinkage=1\n\n");
  }

  private static int count(int child, int[] leafCount, int[] internalCount) {
    return child >= 0 ? internalCount[child] : leafCount[~child];
  }

  /** Rows mixing grid values (exactly, just below, just above), categories and special values. */
  static double[][] rows(Random random, Model model, int count) {
    List<Double> thresholds = model.thresholds();
    double[][] rows = new double[count][model.features()];
    for (double[] row : rows) {
      for (int f = 0; f < row.length; f++) {
        int pick = random.nextInt(10);
        if (pick == 0) {
          row[f] = SPECIAL[random.nextInt(SPECIAL.length)];
        } else if (model.categorical().get(f)) {
          row[f] = random.nextInt(100);
        } else if (thresholds.isEmpty() || pick < 3) {
          row[f] = Math.round(random.nextGaussian() * 20) / 8.0;
        } else {
          double t = thresholds.get(random.nextInt(thresholds.size()));
          row[f] = pick < 5 ? Math.nextDown(t) : pick < 7 ? Math.nextUp(t) : t;
        }
      }
    }
    return rows;
  }

  private static String join(int[] values) {
    StringBuilder out = new StringBuilder();
    for (int v : values) {
      out.append(out.length() == 0 ? "" : " ").append(v);
    }
    return out.toString();
  }

  private static String join(double[] values) {
    StringBuilder out = new StringBuilder();
    for (double v : values) {
      out.append(out.length() == 0 ? "" : " ").append(v);
    }
    return out.toString();
  }
}
