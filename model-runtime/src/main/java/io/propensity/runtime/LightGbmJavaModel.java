package io.propensity.runtime;

import java.util.Arrays;

/**
 * A binary LightGBM model scored and explained in pure Java ({@link LightGbmTrees}): no native
 * library, no JNI call, no temp file, no memory outside the heap. Probabilities and raw scores are
 * LightGBM's own to the last bit, SHAP contributions are exact TreeSHAP (LightGBM's {@code
 * pred_contrib} within 1e-9); {@code LightGbmJavaModelTest} compares both with {@link
 * LightGbmModel} on the same texts.
 *
 * <p><b>Thread-safety.</b> Any number of threads score at once, without locks or a pool: the trees
 * and their TreeSHAP tables are immutable arrays built at load, and a row allocates nothing beyond
 * the {@link Contributions} it returns.
 *
 * <p><b>Lifecycle.</b> Everything is built by {@link #fromModelText} (a model is complete before
 * anyone can swap it in). {@link #close()} only drops the reference to the arrays, so the garbage
 * collector can take them even while the model object is still referenced; it is cheap and
 * idempotent. As with {@link LightGbmModel}, every scoring call after close throws {@link
 * IllegalStateException} (a call already running finishes on the arrays it read), so using a
 * retired model is a bug that shows under either scorer.
 */
public final class LightGbmJavaModel implements ScoringModel {

  private final int featureCount;
  private final int numTrees;

  /** Null once closed. */
  private volatile LightGbmTrees trees;

  private LightGbmJavaModel(LightGbmTrees trees) {
    this.trees = trees;
    this.featureCount = trees.featureCount();
    this.numTrees = trees.numTrees();
  }

  /**
   * Parses, checks and flattens a LightGBM text model ({@code saveModelToString} output),
   * precomputes its TreeSHAP tables, and scores an all-missing row as a load-time check.
   *
   * @throws ModelLoadException if the text is empty, truncated or corrupt (naming the tree and
   *     field), if the model is not a binary classifier or uses what the Java scorer does not
   *     support (linear trees, {@code average_output}), or if the load-time check fails
   */
  public static LightGbmJavaModel fromModelText(String modelText) throws ModelLoadException {
    LightGbmTrees trees = LightGbmTrees.fromModelText(modelText);
    selfCheck(trees);
    return new LightGbmJavaModel(trees);
  }

  /**
   * Scores an all-missing row: the raw score must be finite, the probability in [0, 1], and SHAP
   * must add up to the raw score with the expected value as its bias, before anything is served.
   */
  private static void selfCheck(LightGbmTrees trees) throws ModelLoadException {
    double[] row = new double[trees.featureCount()];
    Arrays.fill(row, Double.NaN);
    try {
      double raw = trees.predictRaw(row);
      double probability = trees.predictProbability(row);
      double[] contributions = new double[trees.contributionCount()];
      double shapRaw = trees.contributions(row, contributions);
      double sum = 0;
      for (double c : contributions) {
        sum += c;
      }
      double tolerance = 1e-9 * Math.max(1, Math.abs(raw));
      if (!Double.isFinite(raw)
          || !(probability >= 0 && probability <= 1)
          || !(Math.abs(sum - raw) <= tolerance)
          || !(Math.abs(shapRaw - raw) <= tolerance)
          || contributions[trees.featureCount()] != trees.expectedValue()) {
        throw new ModelLoadException(
            "LightGBM model failed its load-time check: raw="
                + raw
                + ", probability="
                + probability
                + ", SHAP sum="
                + sum
                + ", SHAP bias="
                + contributions[trees.featureCount()]
                + ", expected value="
                + trees.expectedValue());
      }
    } catch (RuntimeException e) {
      throw new ModelLoadException("LightGBM model failed its load-time check: " + e, e);
    }
  }

  @Override
  public int featureCount() {
    return featureCount;
  }

  /** Number of trees (one per boosting iteration for a binary model). */
  public int numTrees() {
    return numTrees;
  }

  @Override
  public double predictProbability(double[] row) {
    Rows.check(row, -1, featureCount);
    return open().predictProbability(row);
  }

  @Override
  public double[] predictProbabilities(double[][] rows) {
    Rows.checkAll(rows, featureCount);
    LightGbmTrees t = open();
    double[] result = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      result[i] = t.predictProbability(rows[i]);
    }
    return result;
  }

  @Override
  public double predictRaw(double[] row) {
    Rows.check(row, -1, featureCount);
    return open().predictRaw(row);
  }

  @Override
  public Contributions contributions(double[] row) {
    Rows.check(row, -1, featureCount);
    double[] values = new double[featureCount + 1];
    open().contributions(row, values);
    return toContributions(values);
  }

  @Override
  public Contributions[] contributions(double[][] rows) {
    Rows.checkAll(rows, featureCount);
    LightGbmTrees t = open();
    Contributions[] result = new Contributions[rows.length];
    double[] values = new double[featureCount + 1];
    for (int i = 0; i < rows.length; i++) {
      t.contributions(rows[i], values);
      result[i] = toContributions(values);
    }
    return result;
  }

  /** TreeSHAP's own top-k ({@link LightGbmTrees#topContributions}): no Contributions, no sort. */
  @Override
  public int topContributions(double[] row, int k, int[] features, double[] values) {
    Rows.check(row, -1, featureCount);
    TopContributions.check(k, featureCount, features, values);
    LightGbmTrees t = open();
    return k == 0 ? 0 : t.topContributions(row, Math.min(k, featureCount), features, values);
  }

  private Contributions toContributions(double[] values) {
    return new Contributions(Arrays.copyOf(values, featureCount), values[featureCount]);
  }

  /** Drops the trees; later calls throw {@link IllegalStateException}. Idempotent. */
  @Override
  public void close() {
    trees = null;
  }

  private LightGbmTrees open() {
    LightGbmTrees t = trees;
    if (t == null) {
      throw new IllegalStateException("model is closed; load a new one to keep scoring");
    }
    return t;
  }

  @Override
  public String toString() {
    return "LightGbmJavaModel[features="
        + featureCount
        + ", trees="
        + numTrees
        + (trees == null ? ", closed" : "")
        + "]";
  }
}
