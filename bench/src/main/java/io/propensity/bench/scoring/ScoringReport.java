package io.propensity.bench.scoring;

import io.propensity.bench.support.Args;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.engine.features.FeatureCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link ScoringBench} through JMH, per model size, and prints ns per row of the pure-Java
 * scorer, model-runtime's native fast path and a bare LightGBM4j call on the same model and rows
 * (and of their SHAP lanes), with the ratios issue 13 sets goals for. The bench JVM itself never
 * loads LightGBM; each fork gets a private {@code java.io.tmpdir} for its native library.
 */
public final class ScoringReport {
  private static final String USAGE =
      """
      ScoringReport: JMH, ns per row of the pure-Java scorer vs model-runtime's native fast path vs a bare
      LightGBM4j call (same model, same rows), and of their SHAP lanes.
        --warmup-iterations N   warm-up iterations per benchmark (default 5)
        --warmup-time D         length of one warm-up iteration (default 1s)
        --iterations N          measured iterations per benchmark (default 5)
        --time D                length of one measured iteration (default 1s)
        --forks N               forked JVMs per benchmark (default 1; 0 runs in this JVM)
        --trees LIST            model sizes, trees per model, comma-separated (default 100,500)
        --leaves N              leaves per tree (default 31)
        --rows N                synthetic users the model is trained on; their rows are scored in rotation (default 1500)
        --rounds N              rounds of every lane, in order then reversed every other round (ABBA; default 2)
        --lanes LIST            benchmark methods to run, comma-separated (default: all of them)
      """;

  /** One benchmark method of {@link ScoringBench} and what it measures. */
  private record Lane(String method, String what) {}

  /**
   * The lanes in run order. Each round runs them in this order, the next round in reverse (ABBA),
   * so every pair compared below saw, on average, the same moment of the run.
   */
  private static final List<Lane> LANES =
      List.of(
          new Lane("bareSingleRowProbability", "bare LightGBM4j predictForMatSingleRow"),
          new Lane("nativeProbability", "model-runtime native LightGbmModel.predictProbability"),
          new Lane("javaProbability", "Java LightGbmTrees.predictProbability"),
          new Lane("javaTopContributions", "Java LightGbmTrees.topContributions k=5"),
          new Lane("javaContributions", "Java LightGbmTrees.contributions (all + bias)"),
          new Lane("nativeContributions", "model-runtime native LightGbmModel.contributions"),
          new Lane("bareContributions", "bare LightGBM4j predictForMat CONTRIB"),
          new Lane("javaProbabilityTwoThreads", "Java predictProbability, 2 threads (per thread)"));

  /** A ratio of two lanes' means, and the goal issue 13 sets for it ("" when none). */
  private record Ratio(String what, String numerator, String denominator, String goal) {}

  private static final List<Ratio> RATIOS =
      List.of(
          new Ratio(
              "Java score / bare LightGBM4j single-row",
              "javaProbability",
              "bareSingleRowProbability",
              "<= 0.2"),
          new Ratio(
              "Java score / model-runtime native fast path",
              "javaProbability",
              "nativeProbability",
              "< 1"),
          new Ratio(
              "Java top-5 SHAP / Java score", "javaTopContributions", "javaProbability", "<= 10"),
          new Ratio("Java full SHAP / Java score", "javaContributions", "javaProbability", ""),
          new Ratio(
              "native SHAP / native score", "nativeContributions", "nativeProbability", "(~100)"),
          new Ratio(
              "Java top-5 SHAP / native SHAP", "javaTopContributions", "nativeContributions", ""),
          new Ratio(
              "bare CONTRIB / bare single-row",
              "bareContributions",
              "bareSingleRowProbability",
              ""));

  private ScoringReport() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    int warmups = args.intValue("warmup-iterations", 5, 0, 100);
    Duration warmupTime =
        args.duration(
            "warmup-time", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(5));
    int iterations = args.intValue("iterations", 5, 1, 100);
    Duration time =
        args.duration("time", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(5));
    int forks = args.intValue("forks", 1, 0, 10);
    List<Integer> sizes = sizes(args.string("trees", "100,500"));
    int leaves = args.intValue("leaves", 31, 2, 1_024);
    int rows = args.intValue("rows", 1_500, 50, 100_000);
    int rounds = args.intValue("rounds", 2, 1, 10);
    List<Lane> lanes = lanes(args.string("lanes", ""));
    args.done();
    String machineAtStart = Machine.describe();
    System.out.println(machineAtStart);

    // JMH runs benchmarks one after another, so a change in background load would favour one side:
    // per model size, each round runs the lanes in order, the next round in reverse, and every
    // figure is the mean of its runs
    Map<Integer, Map<String, List<double[]>>> runs = new LinkedHashMap<>();
    Path forkTmp = TempDirs.create("propensity-bench-scoring-fork-");
    try {
      for (int trees : sizes) {
        Map<String, List<double[]>> bySize = new LinkedHashMap<>();
        runs.put(trees, bySize);
        for (int round = 0; round < rounds; round++) {
          List<Lane> ordered = new ArrayList<>(lanes);
          if (round % 2 == 1) {
            Collections.reverse(ordered);
          }
          for (Lane lane : ordered) {
            OptionsBuilder options = new OptionsBuilder();
            options
                .include(ScoringBench.class.getName() + "\\." + lane.method() + "$")
                .warmupIterations(warmups)
                .warmupTime(TimeValue.milliseconds(warmupTime.toMillis()))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(time.toMillis()))
                .forks(forks)
                // the fork loads LightGBM: its own temp dir (the last -D wins over the inherited
                // one)
                .jvmArgsAppend("-Djava.io.tmpdir=" + forkTmp.toAbsolutePath())
                .param("trees", Integer.toString(trees))
                .param("leaves", Integer.toString(leaves))
                .param("rows", Integer.toString(rows));
            for (RunResult r : new Runner(options.build()).run()) {
              Result<?> res = r.getPrimaryResult();
              bySize
                  .computeIfAbsent(lane.method(), k -> new ArrayList<>())
                  .add(new double[] {res.getScore(), res.getScoreError()});
            }
          }
        }
      }
    } finally {
      TempDirs.delete(forkTmp);
    }

    String omp = System.getenv("OMP_NUM_THREADS");
    System.out.println();
    System.out.println(
        "OMP_NUM_THREADS="
            + (omp == null ? "(unset: LightGBM's OpenMP uses every core)" : omp)
            + "; rounds "
            + rounds
            + ", per-run scores (ns/row):");
    for (Map.Entry<Integer, Map<String, List<double[]>>> size : runs.entrySet()) {
      for (Map.Entry<String, List<double[]>> lane : size.getValue().entrySet()) {
        List<String> each = new ArrayList<>();
        for (double[] run : lane.getValue()) {
          each.add(String.format(Locale.ROOT, "%.0f", run[0]));
        }
        System.out.println("  " + size.getKey() + " trees, " + lane.getKey() + ": " + each);
      }
    }

    List<String> header = new ArrayList<>(List.of("lane", "method"));
    for (int trees : sizes) {
      header.add(trees + " trees ns/row");
      header.add("+/- (max 99.9%)");
    }
    Table t =
        new Table(
            "Scoring one row in process, LightGBM "
                + sizes
                + " trees x "
                + leaves
                + " leaves, "
                + FeatureCatalog.schema().size()
                + " features, "
                + rows
                + " rows in rotation; mean of "
                + rounds
                + " ABBA rounds",
            header.toArray(String[]::new));
    for (Lane lane : lanes) {
      List<Object> cells = new ArrayList<>(List.of(lane.what(), lane.method()));
      for (int trees : sizes) {
        double[] m = mean(runs.get(trees).get(lane.method()));
        cells.add(m == null ? "(not run)" : String.format(Locale.ROOT, "%.0f", m[0]));
        cells.add(m == null ? "" : error(m[1]));
      }
      t.row(cells.toArray());
    }
    t.print(System.out);

    List<String> ratioHeader = new ArrayList<>(List.of("ratio", "goal"));
    for (int trees : sizes) {
      ratioHeader.add(trees + " trees");
    }
    Table r = new Table("Ratios of the means above", ratioHeader.toArray(String[]::new));
    for (Ratio ratio : RATIOS) {
      List<Object> cells = new ArrayList<>(List.of(ratio.what(), ratio.goal()));
      for (int trees : sizes) {
        double[] a = mean(runs.get(trees).get(ratio.numerator()));
        double[] b = mean(runs.get(trees).get(ratio.denominator()));
        cells.add(a == null || b == null ? "(not run)" : Table.ratio(a[0] / b[0]));
      }
      r.row(cells.toArray());
    }
    List<Object> scaling =
        new ArrayList<>(List.of("Java score throughput, 2 threads / 1 thread", "(2 = linear)"));
    for (int trees : sizes) {
      double[] one = mean(runs.get(trees).get("javaProbability"));
      double[] two = mean(runs.get(trees).get("javaProbabilityTwoThreads"));
      // average time is per call and per thread: throughput is threads / time
      scaling.add(one == null || two == null ? "(not run)" : Table.ratio(2 * one[0] / two[0]));
    }
    r.row(scaling.toArray());
    r.print(System.out);
    System.out.println(
        "ratio < 1: the numerator is cheaper per row. The 2-thread lane runs on a machine shared with"
            + " other processes: its scaling is bounded by the cores they leave free.");
    System.out.println("at the start, " + machineAtStart);
    System.out.println("at the end, " + Machine.describe());
  }

  /** Mean score and largest error of a lane's runs, or null when the lane did not run. */
  private static double[] mean(List<double[]> runs) {
    if (runs == null || runs.isEmpty()) {
      return null;
    }
    double sum = 0;
    double error = Double.NaN; // JMH gives no error for fewer than 3 iterations
    for (double[] run : runs) {
      sum += run[0];
      error = Double.isNaN(run[1]) ? error : Double.isNaN(error) ? run[1] : Math.max(error, run[1]);
    }
    return new double[] {sum / runs.size(), error};
  }

  private static List<Integer> sizes(String list) {
    List<Integer> sizes = new ArrayList<>();
    for (String s : list.split(",")) {
      int trees;
      try {
        trees = Integer.parseInt(s.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--trees: '" + s + "' is not a whole number\n" + USAGE);
      }
      if (trees < 1 || trees > 5_000) {
        throw new IllegalArgumentException("--trees: " + trees + " is outside 1 to 5000\n" + USAGE);
      }
      sizes.add(trees);
    }
    return List.copyOf(sizes);
  }

  private static List<Lane> lanes(String list) {
    if (list.isBlank()) {
      return LANES;
    }
    List<Lane> chosen = new ArrayList<>();
    for (String name : list.split(",")) {
      Lane lane =
          LANES.stream()
              .filter(l -> l.method().equals(name.strip()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--lanes: no lane '" + name.strip() + "'\n" + USAGE));
      chosen.add(lane);
    }
    return List.copyOf(chosen);
  }

  private static String error(double e) {
    return Double.isNaN(e) ? "n/a" : String.format(Locale.ROOT, "%.0f", e);
  }
}
