package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Feeds thousands of structure-aware mutants of real LightGBM model texts to the Java parser: every
 * mutant must either be refused with a {@link ModelLoadException} or be accepted and then score
 * exactly as LightGBM itself scores the same text, with TreeSHAP values that sum to the raw score
 * and match LightGBM's pred_contrib. Any other exception, a hang, or a text the Java parser accepts
 * but LightGBM refuses or scores differently is a failure.
 *
 * <p>The base models are trained with LightGBM4j (numerical and categorical features, one-hot and
 * multi-word bitset splits, NaN- and zero-as-missing, shallow and deep trees, single-leaf trees),
 * plus a hand-written categorical tree. A mutant applies one to three edits: a number of a field
 * (indices, counts, thresholds, decision types, bitset words, {@code num_leaves}, {@code
 * max_feature_idx}...) replaced by a boundary value or garbage, a line deleted, duplicated or
 * swapped, a value deleted, duplicated or swapped, a field's name changed, a field copied from
 * another tree, the text truncated, or two models spliced at tree boundaries.
 *
 * <p>Mutant {@code i} of seed {@code s} is reproducible alone: {@code -Dfuzz.seed=s -Dfuzz.only=i}
 * ({@code -Dfuzz.mutants=N} sets how many), and is then written to {@code target/fuzz/}. LightGBM
 * gets the text model-runtime's native path would give it ({@code tree_sizes} dropped: with it,
 * LightGBM 4.3 parses in an OpenMP loop where a parse error calls {@code std::terminate}), in a
 * child JVM, so that a text LightGBM crashes on fails its mutant instead of killing the test's
 * fork.
 */
class LightGbmModelTextFuzzTest {

  private static final long SEED = Long.getLong("fuzz.seed", 20261207L);
  private static final int MUTANTS = Integer.getInteger("fuzz.mutants", 2_000);
  private static final int ONLY = Integer.getInteger("fuzz.only", -1);
  private static final long PARSE_TIMEOUT_SECONDS = 20;
  private static final double TOLERANCE = 1e-12;
  private static final double SHAP_TOLERANCE = 1e-9;
  private static final int MAX_REPORTED = 25;

  /** Boundary values and garbage a mutated number becomes; n is the field's value count. */
  private static final String[] REPLACEMENTS = {
    "-1",
    "0",
    "1",
    "2",
    "2147483647",
    "-2147483648",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "99999999999999999999",
    "NaN",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "-1e308",
    "1e309",
    "4.9e-324",
    "1e-35",
    "-0",
    "+3",
    "0.5",
    "-0.5",
    "1.5",
    "0x1p3",
    "1f",
    "1d",
    "",
    "garbage",
    "1,2",
    "\u0661",
    "--1",
    "1e",
  };

  /**
   * Two trees by hand: tree 0 has two categorical nodes (bitsets of one and of three words, the
   * last word with bit 31 set) above a numerical node with zero as missing; tree 1 is a single
   * leaf.
   */
  private static final String HAND_WRITTEN =
      """
      tree
      version=v4
      num_class=1
      num_tree_per_iteration=1
      label_index=0
      max_feature_idx=2
      objective=binary sigmoid:1
      feature_names=x c d
      feature_infos=[-3:3] 0:1:5:64:95 0:2:3
      tree_sizes=400 120

      Tree=0
      num_leaves=4
      num_cat=2
      split_feature=1 2 0
      split_gain=3 2 1
      threshold=1 0 0.25
      decision_type=1 1 6
      left_child=1 -1 -3
      right_child=2 -2 -4
      leaf_value=0.5 -0.25 0.125 -0.0625
      leaf_weight=1 1 1 1
      leaf_count=3 3 3 3
      internal_value=0 0 0
      internal_weight=4 2 2
      internal_count=12 6 6
      cat_boundaries=0 1 4
      cat_threshold=12 34 1 2147483649
      is_linear=0
      shrinkage=1


      Tree=1
      num_leaves=1
      num_cat=0
      split_feature=
      split_gain=
      threshold=
      decision_type=
      left_child=
      right_child=
      leaf_value=0.03
      leaf_weight=
      leaf_count=
      internal_value=
      internal_weight=
      internal_count=
      is_linear=0
      shrinkage=1


      end of trees

      pandas_categorical:null
      """;

  private static final Path WORK_DIR = Path.of("target", "fuzz");

  private static List<String> bases;
  private static ExecutorService parser;
  private static NativeScorer lightGbm;

  @BeforeAll
  static void trainBaseModels() {
    bases = new ArrayList<>();
    Random random = new Random(SEED);
    // numerical: small and shallow, deep, NaN and zero as missing
    bases.add(train(random, 4, 0, 8, "num_leaves=4 max_depth=2 use_missing=true", 0.1, 0.0));
    bases.add(train(random, 6, 0, 20, "num_leaves=63 min_data_in_leaf=1", 0.1, 0.1));
    bases.add(train(random, 5, 0, 6, "num_leaves=15 zero_as_missing=true", 0.0, 0.3));
    bases.add(train(random, 3, 0, 5, "num_leaves=7 use_missing=false", 0.1, 0.1));
    // categorical: bitsets over many categories (multi-word), one-hot splits
    bases.add(
        train(
            random,
            5,
            2,
            12,
            "num_leaves=15 max_cat_to_onehot=1 min_data_per_group=1 cat_smooth=1",
            0.05,
            0.0));
    bases.add(train(random, 4, 1, 8, "num_leaves=7 max_cat_to_onehot=32", 0.05, 0.1));
    // single-leaf trees: nothing to split on with this much data per leaf
    bases.add(train(random, 3, 0, 3, "num_leaves=4 min_data_in_leaf=100000", 0.0, 0.0));
    bases.add(HAND_WRITTEN);
    parser =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-parser");
              t.setDaemon(true); // a hung parse must not keep the fork alive
              return t;
            });
  }

  @AfterAll
  static void stopParser() throws IOException {
    parser.shutdownNow();
    if (lightGbm != null) {
      lightGbm.close();
    }
  }

  @Test
  void everyMutantIsRefusedOrScoredExactlyAsLightGbmScoresIt() throws Exception {
    long started = System.nanoTime();
    int accepted = 0;
    int rejected = 0;
    int identical = 0;
    List<String> failures = new ArrayList<>();
    Files.createDirectories(WORK_DIR);
    lightGbm = new NativeScorer(WORK_DIR);
    int first = ONLY >= 0 ? ONLY : 0;
    int end = ONLY >= 0 ? ONLY + 1 : MUTANTS;
    for (int i = first; i < end; i++) {
      Random random = new Random(SEED * 1_000_003L + i);
      List<String> edits = new ArrayList<>();
      String mutant = mutate(random, edits);
      String where = "seed " + SEED + " mutant " + i + " " + edits;
      if (ONLY >= 0) {
        Path copy = WORK_DIR.resolve("mutant-" + i + ".txt");
        Files.writeString(copy, mutant, StandardCharsets.UTF_8);
        System.out.println(where + " written to " + copy.toAbsolutePath());
      }
      LightGbmTrees trees;
      try {
        trees = parse(mutant);
      } catch (ModelLoadException e) {
        rejected++;
        continue;
      } catch (TimeoutException e) {
        failures.add(where + ": parse did not finish in " + PARSE_TIMEOUT_SECONDS + " s (hang)");
        break; // the parser thread is stuck; later mutants would queue behind it
      } catch (Throwable e) { // NOPMD: any other exception type is what this test looks for
        failures.add(where + ": " + e + " instead of a ModelLoadException");
        continue;
      }
      accepted++;
      String problem = compareWithLightGbm(random, mutant, trees);
      if (problem == null) {
        identical++;
      } else {
        failures.add(where + ": " + problem);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "LightGbmModelText fuzz: seed %d, %d mutants of %d base models in %.1f s: %d rejected"
            + " (ModelLoadException), %d accepted (%d scored identically to LightGBM), %d"
            + " failures; LightGBM's JVM started %d time(s)%n",
        SEED,
        end - first,
        bases.size(),
        seconds,
        rejected,
        accepted,
        identical,
        failures.size(),
        lightGbm.starts());
    Map<String, List<String>> byKind = new TreeMap<>();
    for (String f : failures) {
      byKind.computeIfAbsent(kind(f), k -> new ArrayList<>()).add(f);
    }
    byKind.forEach(
        (kind, list) -> {
          System.out.println("  " + list.size() + " x " + kind + ", e.g.:");
          list.stream().limit(3).forEach(f -> System.out.println("      " + f));
        });
    failures.stream().limit(MAX_REPORTED).forEach(f -> System.out.println("  FAIL " + f));
    assertThat(failures)
        .as("mutants neither refused nor scored as LightGBM scores them (seed %d)", SEED)
        .isEmpty();
    if (ONLY < 0) {
      // the mutations must reach both outcomes, or the test proves nothing; the check refuses
      // anything LightGBM could read differently, so only about one mutant in seven is accepted
      assertThat(rejected).as("rejected mutants").isGreaterThan(MUTANTS / 10);
      assertThat(accepted).as("accepted mutants").isGreaterThan(MUTANTS / 20);
    }
  }

  /** The kind of a failure, to summarise many failures by their cause. */
  private static String kind(String failure) {
    String refused = "LightGBM refused it: ";
    int at = failure.indexOf(refused);
    if (at >= 0) {
      String[] words = failure.substring(at + refused.length()).split(" ");
      return "LightGBM refused a text Java accepted: "
          + String.join(" ", Arrays.copyOf(words, Math.min(words.length, 6)))
              .replaceAll("[0-9]+", "N");
    }
    if (failure.contains("crashed its JVM")) {
      return "LightGBM crashed on a text Java accepted";
    }
    if (failure.contains("did not answer")) {
      return "LightGBM hung on a text Java accepted";
    }
    if (failure.contains("Java SHAP values sum")) {
      return "Java SHAP values do not sum to the raw score";
    }
    if (failure.contains("Java SHAP value ")) {
      return "Java SHAP and LightGBM pred_contrib differ";
    }
    if (failure.contains("Java raw score")) {
      return "Java and LightGBM scores differ";
    }
    if (failure.contains("instead of a ModelLoadException")) {
      return "Java threw another exception";
    }
    return failure.substring(failure.indexOf("]: ") + 3).replaceAll("[0-9]+", "N");
  }

  private static LightGbmTrees parse(String text) throws Throwable {
    Future<LightGbmTrees> f = parser.submit(() -> LightGbmTrees.fromModelText(text));
    try {
      return f.get(PARSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }

  /** Null when LightGBM accepts the text and scores every probe row as the Java scorer does. */
  private static String compareWithLightGbm(Random random, String mutant, LightGbmTrees trees)
      throws IOException, InterruptedException {
    String nativeText;
    try {
      nativeText = LightGbmModelText.check(mutant).nativeText;
    } catch (ModelLoadException e) {
      return "LightGbmTrees accepted it but LightGbmModelText.check refused it: " + e.getMessage();
    }
    double[][] rows = probeRows(random, trees);
    NativeAnswer answer = lightGbm.score(nativeText, rows, trees.featureCount());
    if (answer.problem() != null) {
      return answer.problem();
    }
    if (answer.features() != trees.featureCount()) {
      return "Java reads "
          + trees.featureCount()
          + " features, LightGBM "
          + answer.features()
          + " (max_feature_idx)";
    }
    for (int r = 0; r < rows.length; r++) {
      double actual = trees.predictRaw(rows[r]);
      if (!same(actual, answer.raw()[r])) {
        return "row "
            + Arrays.toString(rows[r])
            + ": Java raw score "
            + actual
            + ", LightGBM "
            + answer.raw()[r];
      }
      String shap = compareContributions(trees, rows[r], actual, answer, r);
      if (shap != null) {
        return shap;
      }
    }
    return null;
  }

  /**
   * Null when the Java TreeSHAP of the row sums to its raw score and matches LightGBM's
   * pred_contrib, both to 1e-9 of 1 + the sum of the values' magnitudes. Rows whose raw score is
   * not finite (leaf values near the largest double overflow in the sum) have no meaningful
   * contributions and are skipped.
   */
  private static String compareContributions(
      LightGbmTrees trees, double[] row, double raw, NativeAnswer answer, int r) {
    if (!Double.isFinite(raw)) {
      return null;
    }
    int count = trees.contributionCount();
    double[] values = new double[count];
    double returned = trees.contributions(row, values);
    double sum = 0;
    double magnitude = 1; // contributions of huge leaf values cancel: the rounding scales with them
    for (double v : values) {
      sum += v;
      magnitude += Math.abs(v);
    }
    if (Math.abs(sum - raw) > SHAP_TOLERANCE * magnitude || Double.compare(returned, raw) != 0) {
      return "row "
          + Arrays.toString(row)
          + ": Java SHAP values sum to "
          + sum
          + " (contributions() returned "
          + returned
          + "), the raw score is "
          + raw;
    }
    for (int k = 0; k < count; k++) {
      double expected = answer.contributions()[r * count + k];
      if (Math.abs(values[k] - expected) > SHAP_TOLERANCE * magnitude
          && Double.compare(values[k], expected) != 0) {
        return "row "
            + Arrays.toString(row)
            + ": Java SHAP value "
            + (k < count - 1 ? "of feature " + k : "bias")
            + " "
            + values[k]
            + ", LightGBM pred_contrib "
            + expected;
      }
    }
    return null;
  }

  /**
   * What LightGBM made of a text: its feature count, raw scores and pred_contrib (rows × (features
   * + 1)), or why it has none.
   */
  private record NativeAnswer(String problem, int features, double[] raw, double[] contributions) {}

  /**
   * LightGBM (through LightGBM4j) in a child JVM: a text that crashes or hangs LightGBM's parser
   * fails that mutant, not the test's fork. The child has its own {@code java.io.tmpdir}, since
   * LightGBM4j rewrites its native library there when it loads; it is restarted after a crash.
   */
  private static final class NativeScorer implements AutoCloseable {
    private static final long ANSWER_TIMEOUT_SECONDS = 30;
    private static final String EOF = "(end of output)";

    private final Path workDir;
    private Process process;
    private Path dir;
    private BufferedWriter requests;
    private BlockingQueue<String> answers;
    private final Deque<String> log = new ArrayDeque<>();
    private int restarts;

    NativeScorer(Path workDir) {
      this.workDir = workDir;
    }

    NativeAnswer score(String modelText, double[][] rows, int cols)
        throws IOException, InterruptedException {
      if (process == null) {
        start();
      }
      Files.writeString(dir.resolve("model.txt"), modelText, StandardCharsets.UTF_8);
      try (DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(Files.newOutputStream(dir.resolve("rows.bin"))))) {
        for (double[] row : rows) {
          for (int f = 0; f < cols; f++) {
            out.writeDouble(row[f]);
          }
        }
      }
      String answer;
      try {
        requests.write(rows.length + " " + cols + "\n");
        requests.flush();
        answer = answers.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (IOException e) {
        answer = EOF; // the child died before it read the request
      }
      if (answer == null || answer.equals(EOF)) {
        String what =
            answer == null
                ? "LightGBM did not answer in " + ANSWER_TIMEOUT_SECONDS + " s (hang)"
                : "LightGBM crashed its JVM (exit code " + process.waitFor() + ")";
        String problem =
            "LightGbmTrees accepted it but "
                + what
                + "; its last output: "
                + String.join(" / ", log);
        stop();
        return new NativeAnswer(problem, -1, null, null);
      }
      if (answer.startsWith("REFUSED ")) {
        return new NativeAnswer(
            "LightGbmTrees accepted it but LightGBM refused it: "
                + answer.substring("REFUSED ".length()),
            -1,
            null,
            null);
      }
      String[] parts = answer.split(" ", 3);
      int features = Integer.parseInt(parts[1]);
      if (features != cols) {
        return new NativeAnswer(null, features, null, null);
      }
      String[] values = parts[2].split(" ");
      double[] raw = new double[rows.length];
      double[] contributions = new double[values.length - rows.length];
      for (int k = 0; k < values.length; k++) {
        double v = Double.longBitsToDouble(Long.parseUnsignedLong(values[k], 16));
        if (k < rows.length) {
          raw[k] = v;
        } else {
          contributions[k - rows.length] = v;
        }
      }
      return new NativeAnswer(null, features, raw, contributions);
    }

    private void start() throws IOException {
      dir = Files.createTempDirectory(workDir, "fuzz-lightgbm-");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-Djava.io.tmpdir=" + dir.toAbsolutePath(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  NativeWorker.class.getName(),
                  dir.toAbsolutePath().toString())
              .redirectErrorStream(true)
              .start();
      requests =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
      answers = new LinkedBlockingQueue<>();
      BlockingQueue<String> mine = answers;
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Thread pump =
          new Thread(
              () -> {
                try {
                  for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith(NativeWorker.ANSWER)) {
                      mine.add(line.substring(NativeWorker.ANSWER.length()));
                    } else {
                      remember(line);
                    }
                  }
                } catch (IOException e) {
                  remember(e.toString());
                }
                mine.add(EOF);
              },
              "fuzz-lightgbm-output");
      pump.setDaemon(true);
      pump.start();
      restarts++;
    }

    private synchronized void remember(String line) {
      log.addLast(line);
      while (log.size() > 3) {
        log.removeFirst();
      }
    }

    private void stop() throws IOException {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
      synchronized (this) {
        log.clear();
      }
      deleteTree(dir);
    }

    int starts() {
      return restarts;
    }

    @Override
    public void close() throws IOException {
      if (process != null) {
        requests.close();
        stop();
      }
    }

    private static void deleteTree(Path root) throws IOException {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * The child JVM's main: per request line {@code rows cols}, loads {@code model.txt} from its
   * directory with LightGBM4j, scores {@code rows.bin} (raw scores) and answers on one line.
   */
  static final class NativeWorker {
    static final String ANSWER = "FUZZ-ANSWER ";

    private NativeWorker() {}

    public static void main(String[] args) throws IOException {
      Path dir = Path.of(args[0]);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] size = line.split(" ");
        int rows = Integer.parseInt(size[0]);
        int cols = Integer.parseInt(size[1]);
        double[] flat = new double[rows * cols];
        try (DataInputStream data =
            new DataInputStream(
                new BufferedInputStream(Files.newInputStream(dir.resolve("rows.bin"))))) {
          for (int k = 0; k < flat.length; k++) {
            flat[k] = data.readDouble();
          }
        }
        String text = Files.readString(dir.resolve("model.txt"), StandardCharsets.UTF_8);
        StringBuilder answer = new StringBuilder(ANSWER);
        try (LGBMBooster booster = LGBMBooster.loadModelFromString(text)) {
          int features = booster.getNumFeature();
          answer.append("OK ").append(features);
          if (features == cols) {
            // the raw scores, then pred_contrib: rows × (cols + 1)
            for (PredictionType type :
                new PredictionType[] {
                  PredictionType.C_API_PREDICT_RAW_SCORE, PredictionType.C_API_PREDICT_CONTRIB
                }) {
              for (double v : booster.predictForMat(flat, rows, cols, true, type)) {
                answer.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(v)));
              }
            }
          }
        } catch (LGBMException | RuntimeException e) {
          answer.setLength(ANSWER.length());
          answer.append("REFUSED ").append(String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        System.out.println(answer);
        System.out.flush();
      }
    }
  }

  private static boolean same(double a, double b) {
    return Double.compare(a, b) == 0 || Math.abs(a - b) <= TOLERANCE;
  }

  /** Random rows, rows of special values, and rows at, below and above the model's thresholds. */
  private static double[][] probeRows(Random random, LightGbmTrees trees) {
    int cols = trees.featureCount();
    double[] special = {
      Double.NaN,
      0.0,
      -0.0,
      1e-36,
      -1.0,
      -0.5,
      0.5,
      1.0,
      2.0,
      31,
      32,
      64,
      1e30,
      -1e30,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      3e9
    };
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < 24; r++) {
      double[] row = new double[cols];
      for (int f = 0; f < cols; f++) {
        row[f] =
            random.nextInt(5) == 0
                ? special[random.nextInt(special.length)]
                : random.nextBoolean() ? random.nextInt(40) : 2 * random.nextGaussian();
      }
      rows.add(row);
    }
    double[] thresholds = trees.thresholds();
    int[] features = trees.splitFeatures();
    for (int k = 0; k < Math.min(thresholds.length, 16); k++) {
      int n = random.nextInt(thresholds.length);
      for (double v :
          new double[] {thresholds[n], Math.nextDown(thresholds[n]), Math.nextUp(thresholds[n])}) {
        double[] row = rows.get(random.nextInt(24)).clone();
        row[features[n]] = v;
        rows.add(row);
      }
    }
    return rows.toArray(double[][]::new);
  }

  private static String mutate(Random random, List<String> edits) {
    String base = bases.get(random.nextInt(bases.size()));
    String text = base;
    int count = 1 + random.nextInt(3);
    for (int k = 0; k < count; k++) {
      text = mutateOnce(random, text, edits);
    }
    return text;
  }

  private static String mutateOnce(Random random, String text, List<String> edits) {
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    int kind = random.nextInt(100);
    if (kind < 45) {
      return replaceValue(random, lines, edits);
    }
    if (kind < 52) {
      int at = random.nextInt(lines.size());
      edits.add("delete line " + at + " '" + head(lines.get(at)) + "'");
      lines.remove(at);
    } else if (kind < 58) {
      int at = random.nextInt(lines.size());
      edits.add("duplicate line " + at + " '" + head(lines.get(at)) + "'");
      lines.add(at, lines.get(at));
    } else if (kind < 63) {
      int a = random.nextInt(lines.size());
      int b = random.nextInt(lines.size());
      edits.add("swap lines " + a + " and " + b);
      String t = lines.get(a);
      lines.set(a, lines.get(b));
      lines.set(b, t);
    } else if (kind < 75) {
      return editValues(random, lines, edits);
    } else if (kind < 79) {
      int at = fieldLine(random, lines);
      String line = lines.get(at);
      int eq = line.indexOf('=');
      String key = line.substring(0, eq);
      String renamed =
          random.nextBoolean() ? key.substring(0, key.length() - 1) : key + random.nextInt(3);
      edits.add("rename " + key + " -> " + renamed + " on line " + at);
      lines.set(at, renamed + line.substring(eq));
    } else if (kind < 85) {
      // a field copied from another tree (or the same field of another model's tree)
      int at = fieldLine(random, lines);
      String key = lines.get(at).substring(0, lines.get(at).indexOf('=') + 1);
      String donor = random.nextBoolean() ? String.join("\n", lines) : pickBase(random);
      List<String> candidates = new ArrayList<>();
      for (String line : donor.split("\n")) {
        if (line.startsWith(key)) {
          candidates.add(line);
        }
      }
      if (candidates.isEmpty()) {
        candidates.add(lines.get(at));
      }
      String replacement = candidates.get(random.nextInt(candidates.size()));
      edits.add("replace line " + at + " by '" + head(replacement) + "'");
      lines.set(at, replacement);
    } else if (kind < 90) {
      int cut = random.nextInt(text.length() + 1);
      edits.add("truncate at char " + cut);
      return text.substring(0, cut);
    } else if (kind < 96) {
      return splice(random, text, edits);
    } else {
      int at = random.nextInt(text.length() + 1);
      String[] junk = {"\r", "\t", " ", "\u0000", "=", "\n", "Tree=", "\nTree=9\n", "é", "-"};
      String j = junk[random.nextInt(junk.length)];
      edits.add("insert " + Arrays.toString(j.getBytes(StandardCharsets.UTF_8)) + " at " + at);
      return text.substring(0, at) + j + text.substring(at);
    }
    return String.join("\n", lines);
  }

  /** One number of a {@code key=values} line becomes a boundary value or garbage. */
  private static String replaceValue(Random random, List<String> lines, List<String> edits) {
    int at = fieldLine(random, lines);
    String line = lines.get(at);
    int eq = line.indexOf('=');
    String[] values = line.substring(eq + 1).split(" ", -1);
    int v = random.nextInt(values.length);
    String replacement;
    int pick = random.nextInt(REPLACEMENTS.length + 4);
    if (pick < REPLACEMENTS.length) {
      replacement = REPLACEMENTS[pick];
    } else if (pick == REPLACEMENTS.length) {
      replacement = Integer.toString(values.length); // n: one past the last index
    } else if (pick == REPLACEMENTS.length + 1) {
      replacement = Integer.toString(values.length + 1);
    } else if (pick == REPLACEMENTS.length + 2) {
      replacement = Integer.toString(-values.length - 1); // ~n as a child: one leaf too far
    } else {
      replacement = offByOne(random, values[v]);
    }
    edits.add(
        line.substring(0, eq) + "[" + v + "] '" + head(values[v]) + "' -> '" + replacement + "'");
    values[v] = replacement;
    lines.set(at, line.substring(0, eq + 1) + String.join(" ", values));
    return String.join("\n", lines);
  }

  /** A value of a field deleted, duplicated, or swapped with its neighbour. */
  private static String editValues(Random random, List<String> lines, List<String> edits) {
    int at = fieldLine(random, lines);
    String line = lines.get(at);
    int eq = line.indexOf('=');
    List<String> values = new ArrayList<>(Arrays.asList(line.substring(eq + 1).split(" ", -1)));
    int v = random.nextInt(values.size());
    String key = line.substring(0, eq);
    switch (random.nextInt(3)) {
      case 0 -> {
        edits.add(key + ": delete value " + v);
        values.remove(v);
      }
      case 1 -> {
        edits.add(key + ": duplicate value " + v);
        values.add(v, values.get(v));
      }
      default -> {
        int w = v + 1 < values.size() ? v + 1 : 0;
        edits.add(key + ": swap values " + v + " and " + w);
        String t = values.get(v);
        values.set(v, values.get(w));
        values.set(w, t);
      }
    }
    lines.set(at, line.substring(0, eq + 1) + String.join(" ", values));
    return String.join("\n", lines);
  }

  /** The head of one model up to a tree boundary, then another model from one of its trees on. */
  private static String splice(Random random, String text, List<String> edits) {
    String other = pickBase(random);
    List<Integer> cuts = treeStarts(text);
    List<Integer> joins = treeStarts(other);
    int cut = cuts.get(random.nextInt(cuts.size()));
    int join = joins.get(random.nextInt(joins.size()));
    edits.add("splice at char " + cut + " with another model from char " + join);
    return text.substring(0, cut) + other.substring(join);
  }

  private static List<Integer> treeStarts(String text) {
    List<Integer> starts = new ArrayList<>();
    int at = text.indexOf("Tree=");
    while (at >= 0) {
      starts.add(at);
      at = text.indexOf("Tree=", at + 1);
    }
    int end = text.indexOf("end of trees");
    starts.add(end >= 0 ? end : text.length());
    return starts;
  }

  private static String offByOne(Random random, String value) {
    try {
      long n = Long.parseLong(value.strip());
      return Long.toString(random.nextBoolean() ? n + 1 : n - 1);
    } catch (NumberFormatException e) {
      try {
        double d = Double.parseDouble(value.strip());
        return Double.toString(random.nextBoolean() ? Math.nextUp(d) : -d);
      } catch (NumberFormatException e2) {
        return value + "1";
      }
    }
  }

  /** A random {@code key=values} line; lines of tree fields are picked more often. */
  private static int fieldLine(Random random, List<String> lines) {
    List<Integer> fields = new ArrayList<>();
    for (int k = 0; k < lines.size(); k++) {
      int eq = lines.get(k).indexOf('=');
      if (eq > 0) {
        fields.add(k);
      }
    }
    if (fields.isEmpty()) {
      lines.add("num_leaves=2");
      return lines.size() - 1;
    }
    return fields.get(random.nextInt(fields.size()));
  }

  private static String pickBase(Random random) {
    return bases.get(random.nextInt(bases.size()));
  }

  private static String head(String s) {
    return s.length() <= 30 ? s : s.substring(0, 30) + "…";
  }

  /**
   * A model of {@code rounds} trees on {@code numerical + categorical} columns with NaN and zero
   * rates as given; categorical columns have up to 70 levels, so bitsets span several words.
   */
  private static String train(
      Random random,
      int numerical,
      int categorical,
      int rounds,
      String params,
      double nanRate,
      double zeroRate) {
    int cols = numerical + categorical;
    int rows = 400;
    double[] flat = new double[rows * cols];
    float[] labels = new float[rows];
    for (int r = 0; r < rows; r++) {
      double signal = 0;
      for (int f = 0; f < cols; f++) {
        double v;
        double u = random.nextDouble();
        if (f >= numerical) {
          v = u < nanRate ? Double.NaN : random.nextInt(70);
          signal += Double.isNaN(v) ? 0.3 : ((int) v * 7919 % 5 - 2) * 0.8;
        } else {
          v = u < nanRate ? Double.NaN : u < nanRate + zeroRate ? 0.0 : random.nextGaussian();
          signal += Double.isNaN(v) ? -0.4 : v * (f % 2 == 0 ? 1 : -0.7);
        }
        flat[r * cols + f] = v;
      }
      labels[r] = signal + 0.5 * random.nextGaussian() > 0 ? 1f : 0f;
    }
    StringBuilder all =
        new StringBuilder("objective=binary max_bin=63 ")
            .append(params)
            .append(' ')
            .append(TrainedModels.DETERMINISTIC);
    if (categorical > 0) {
      List<String> cats = new ArrayList<>();
      for (int f = numerical; f < cols; f++) {
        cats.add(Integer.toString(f));
      }
      all.append(" categorical_feature=").append(String.join(",", cats));
    }
    try (LGBMDataset dataset =
        LGBMDataset.createFromMat(flat, rows, cols, true, all.toString(), null)) {
      dataset.setField("label", labels);
      try (LGBMBooster booster = LGBMBooster.create(dataset, all.toString())) {
        for (int i = 0; i < rounds; i++) {
          booster.updateOneIter();
        }
        return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
      }
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }
}
