package io.propensity.runtime;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A binary LightGBM model scored in-process through LightGBM's own native library, so training
 * (evaluation) and serving compute bit-identical probabilities and SHAP values.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent scoring. LightGBM does not make every prediction
 * type safe on a shared booster: concurrent SHAP ({@code C_API_PREDICT_CONTRIB}) calls corrupt the
 * native heap in the LightGBM 4.3 bundled here (microsoft/LightGBM#5482, metarank/lightgbm4j#88),
 * and predictor set-up races on shared booster state (microsoft/LightGBM#6142). So no native
 * booster is ever shared: the model holds a fixed pool of independent boosters, all parsed from the
 * same text at load, and each call borrows one for its duration. At most {@link
 * LoadOptions#maxConcurrentScorers()} calls run at once; further callers wait for a free booster.
 * Memory is roughly that many copies of the parsed model.
 *
 * <p><b>Lifecycle.</b> {@link #close()} waits for in-flight calls, then frees all native memory
 * exactly once; it is idempotent. Any scoring call after close throws {@link IllegalStateException}
 * (the metadata getters keep working). A model that is never closed is freed when garbage-collected
 * (a safety net, not a substitute for closing).
 */
public final class LightGbmModel implements ScoringModel {

  private static final Cleaner CLEANER = Cleaner.create();

  /**
   * How to load a model.
   *
   * @param maxConcurrentScorers native boosters to keep, i.e. calls that can run in parallel (≥ 1)
   * @param expectedFeatureNames when non-empty, the model's feature names must equal this list in
   *     order (a model trained on another feature schema is refused); empty means no check
   * @param scoringThreads LightGBM's {@code num_threads} in the parameters of the model's
   *     predictors (≥ 0); 0 leaves it out, i.e. the OpenMP default. <b>Process-wide:</b> LightGBM
   *     keeps one thread count per process and every call that takes parameters sets it, so loading
   *     with {@code n > 0} caps every LightGBM call in the JVM that does not name its own {@code
   *     num_threads} (0 resets it to the default), until the next such call
   */
  public record LoadOptions(
      int maxConcurrentScorers, List<String> expectedFeatureNames, int scoringThreads) {
    public LoadOptions {
      if (maxConcurrentScorers < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentScorers must be at least 1, got " + maxConcurrentScorers);
      }
      if (scoringThreads < 0) {
        throw new IllegalArgumentException(
            "scoringThreads must be 0 (OpenMP default) or more, got " + scoringThreads);
      }
      expectedFeatureNames = List.copyOf(expectedFeatureNames);
    }

    /** One booster per available processor, no feature-name check, LightGBM's default threads. */
    public static LoadOptions defaults() {
      return new LoadOptions(Runtime.getRuntime().availableProcessors(), List.of(), 0);
    }

    public LoadOptions withMaxConcurrentScorers(int scorers) {
      return new LoadOptions(scorers, expectedFeatureNames, scoringThreads);
    }

    public LoadOptions withExpectedFeatureNames(List<String> names) {
      return new LoadOptions(maxConcurrentScorers, names, scoringThreads);
    }

    /** {@code num_threads} for the predictors; 0 = OpenMP default. Process-wide, see above. */
    public LoadOptions withScoringThreads(int threads) {
      return new LoadOptions(maxConcurrentScorers, expectedFeatureNames, threads);
    }

    /** The LightGBM parameter string of the predictors. */
    String predictParameters() {
      return scoringThreads == 0 ? "" : "num_threads=" + scoringThreads;
    }
  }

  private final String modelText;
  private final int featureCount;
  private final int numTrees;
  private final List<String> featureNames;
  private final int poolSize;
  private final Semaphore permits;
  private final ConcurrentLinkedQueue<NativeBooster> idle;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Cleaner.Cleanable cleanable;

  private LightGbmModel(
      String modelText,
      int featureCount,
      int numTrees,
      List<String> featureNames,
      List<NativeBooster> boosters) {
    this.modelText = modelText;
    this.featureCount = featureCount;
    this.numTrees = numTrees;
    this.featureNames = featureNames;
    this.poolSize = boosters.size();
    this.idle = new ConcurrentLinkedQueue<>(boosters);
    this.permits = new Semaphore(poolSize);
    this.cleanable = CLEANER.register(this, new FreeAll(List.copyOf(boosters)));
  }

  /** Loads with {@link LoadOptions#defaults()}. */
  public static LightGbmModel fromModelText(String modelText) throws ModelLoadException {
    return fromModelText(modelText, LoadOptions.defaults());
  }

  /**
   * Parses and validates a LightGBM text model ({@code saveModelToString} output).
   *
   * @throws ModelLoadException if the text is empty, truncated or corrupt, if the model is not a
   *     binary classifier, if its feature names differ from the expected ones, or if a test
   *     prediction fails; nothing stays allocated in that case
   */
  public static LightGbmModel fromModelText(String modelText, LoadOptions options)
      throws ModelLoadException {
    Objects.requireNonNull(options, "options");
    LightGbmModelText text = LightGbmModelText.check(modelText);
    List<NativeBooster> boosters = new ArrayList<>();
    try {
      NativeBooster first = NativeBooster.load(text.nativeText, options.predictParameters());
      boosters.add(first);
      int classes = first.numClasses();
      if (classes != 1) {
        throw new ModelLoadException(
            "unsupported LightGBM model: "
                + classes
                + " classes; Propensity serves binary classifiers only");
      }
      if (first.featureCount() != text.featureCount) {
        throw new ModelLoadException(
            "corrupt LightGBM model: header says "
                + text.featureCount
                + " features, LightGBM parsed "
                + first.featureCount());
      }
      int trees = first.numTrees();
      if (trees != text.treeBlocks) {
        throw new ModelLoadException(
            "corrupt LightGBM model: "
                + text.treeBlocks
                + " tree blocks in the text, LightGBM parsed "
                + trees);
      }
      List<String> names = List.of(first.featureNames());
      if (names.size() != first.featureCount()) {
        throw new ModelLoadException(
            "corrupt LightGBM model: "
                + names.size()
                + " feature names for "
                + first.featureCount()
                + " features");
      }
      checkExpectedNames(names, options.expectedFeatureNames());
      smokeTest(first);
      for (int i = 1; i < options.maxConcurrentScorers(); i++) {
        boosters.add(NativeBooster.load(text.nativeText, options.predictParameters()));
      }
      return new LightGbmModel(modelText, first.featureCount(), trees, names, boosters);
    } catch (ModelLoadException | RuntimeException e) {
      boosters.forEach(NativeBooster::free);
      throw e;
    }
  }

  private static void checkExpectedNames(List<String> actual, List<String> expected)
      throws ModelLoadException {
    if (expected.isEmpty() || expected.equals(actual)) {
      return;
    }
    if (expected.size() != actual.size()) {
      throw new ModelLoadException(
          "feature schema mismatch: the model has "
              + actual.size()
              + " features, the expected schema has "
              + expected.size());
    }
    for (int i = 0; i < actual.size(); i++) {
      if (!actual.get(i).equals(expected.get(i))) {
        throw new ModelLoadException(
            "feature schema mismatch at position "
                + i
                + ": the model has '"
                + actual.get(i)
                + "', the expected schema has '"
                + expected.get(i)
                + "'");
      }
    }
  }

  /** Scores an all-missing row: every prediction type must work and agree before we serve. */
  private static void smokeTest(NativeBooster booster) throws ModelLoadException {
    double[] row = new double[booster.featureCount()];
    Arrays.fill(row, Double.NaN);
    try {
      double raw = booster.raw(row);
      double probability = booster.probability(row);
      double[] contrib = new double[booster.featureCount() + 1];
      booster.contributions(row, contrib);
      double sum = 0;
      for (double c : contrib) {
        sum += c;
      }
      if (!Double.isFinite(raw)
          || !(probability >= 0 && probability <= 1)
          || Math.abs(sum - raw) > 1e-6 * Math.max(1, Math.abs(raw))) {
        throw new ModelLoadException(
            "LightGBM model failed its load-time check: raw="
                + raw
                + ", probability="
                + probability
                + ", SHAP sum="
                + sum);
      }
    } catch (ScoringException e) {
      throw new ModelLoadException(
          "LightGBM model failed its load-time check: " + e.getMessage(), e);
    }
  }

  @Override
  public int featureCount() {
    return featureCount;
  }

  /** Feature names stored in the model, in the order rows must follow. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Number of trees (one per boosting iteration for a binary model). */
  public int numTrees() {
    return numTrees;
  }

  /** The text this model was loaded from. */
  public String modelText() {
    return modelText;
  }

  /** How many calls can score in parallel (native boosters held). */
  public int maxConcurrentScorers() {
    return poolSize;
  }

  @Override
  public double predictProbability(double[] row) {
    checkRow(row, -1);
    NativeBooster booster = acquire();
    try {
      return booster.probability(row);
    } finally {
      release(booster);
    }
  }

  @Override
  public double[] predictProbabilities(double[][] rows) {
    checkRows(rows);
    double[] result = new double[rows.length];
    if (rows.length == 0) {
      ensureOpen();
      return result;
    }
    NativeBooster booster = acquire();
    try {
      for (int i = 0; i < rows.length; i++) {
        result[i] = booster.probability(rows[i]);
      }
      return result;
    } finally {
      release(booster);
    }
  }

  @Override
  public double predictRaw(double[] row) {
    checkRow(row, -1);
    NativeBooster booster = acquire();
    try {
      return booster.raw(row);
    } finally {
      release(booster);
    }
  }

  @Override
  public Contributions contributions(double[] row) {
    checkRow(row, -1);
    double[] values = new double[featureCount + 1];
    NativeBooster booster = acquire();
    try {
      booster.contributions(row, values);
    } finally {
      release(booster);
    }
    return toContributions(values);
  }

  @Override
  public Contributions[] contributions(double[][] rows) {
    checkRows(rows);
    Contributions[] result = new Contributions[rows.length];
    if (rows.length == 0) {
      ensureOpen();
      return result;
    }
    double[] values = new double[featureCount + 1];
    NativeBooster booster = acquire();
    try {
      for (int i = 0; i < rows.length; i++) {
        booster.contributions(rows[i], values);
        result[i] = toContributions(values);
      }
      return result;
    } finally {
      release(booster);
    }
  }

  private Contributions toContributions(double[] values) {
    double[] perFeature = Arrays.copyOf(values, featureCount);
    return new Contributions(perFeature, values[featureCount]);
  }

  /** Waits for in-flight calls, then frees all native memory. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    permits.acquireUninterruptibly(poolSize);
    try {
      cleanable.clean();
    } finally {
      // Wake callers that were queued before close; they see `closed` and fail.
      permits.release(poolSize);
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private NativeBooster acquire() {
    ensureOpen();
    permits.acquireUninterruptibly();
    if (closed.get()) {
      permits.release();
      throw closedException();
    }
    return idle.poll();
  }

  private void release(NativeBooster booster) {
    idle.offer(booster);
    permits.release();
    // The Cleaner must not free the boosters while a call is still inside native code.
    Reference.reachabilityFence(this);
  }

  private static IllegalStateException closedException() {
    return new IllegalStateException("model is closed; load a new one to keep scoring");
  }

  private void checkRow(double[] row, int index) {
    Rows.check(row, index, featureCount);
  }

  private void checkRows(double[][] rows) {
    Rows.checkAll(rows, featureCount);
  }

  @Override
  public String toString() {
    return "LightGbmModel[features="
        + featureCount
        + ", trees="
        + numTrees
        + ", scorers="
        + poolSize
        + (closed.get() ? ", closed" : "")
        + "]";
  }

  /** Cleaner action; must not reference the model itself. */
  private record FreeAll(List<NativeBooster> boosters) implements Runnable {
    @Override
    public void run() {
      boosters.forEach(NativeBooster::free);
    }
  }
}
