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
 * Runs {@link ScoringBench} through JMH and prints ns per row of model-runtime's scorer next to a
 * bare LightGBM4j call on the same model and rows, with their ratio. The bench JVM itself never
 * loads LightGBM; each fork gets a private {@code java.io.tmpdir} for its native library.
 */
public final class ScoringReport {
  private static final String USAGE =
      """
      ScoringReport: JMH, ns per row of model-runtime's LightGbmModel vs a bare LightGBM4j call (same model, same rows).
        --warmup-iterations N   warm-up iterations per benchmark (default 5)
        --warmup-time D         length of one warm-up iteration (default 1s)
        --iterations N          measured iterations per benchmark (default 5)
        --time D                length of one measured iteration (default 1s)
        --forks N               forked JVMs per benchmark (default 1; 0 runs in this JVM)
        --trees N               trees of the model (default 100)
        --leaves N              leaves per tree (default 31)
        --rows N                synthetic users the model is trained on; their rows are scored in rotation (default 1500)
        --rounds N              rounds of the four benchmarks, ABBA order, reversed every other round (default 2)
      """;

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
    int trees = args.intValue("trees", 100, 1, 5_000);
    int leaves = args.intValue("leaves", 31, 2, 1_024);
    int rows = args.intValue("rows", 1_500, 50, 100_000);
    int rounds = args.intValue("rounds", 2, 1, 10);
    args.done();
    System.out.println(Machine.describe());

    // JMH runs benchmarks one after another, so a change in background load would favour one side:
    // each round runs the pairs in ABBA order (bare, model-runtime, model-runtime, bare), the next
    // round reversed, and every figure is the mean of its runs
    List<String> order =
        List.of(
            "bareSingleRowProbability",
            "scorerProbability",
            "scorerContributions",
            "bareContributions");
    Map<String, List<Double>> scores = new LinkedHashMap<>();
    Map<String, List<Double>> errors = new LinkedHashMap<>();
    Path forkTmp = TempDirs.create("propensity-bench-scoring-fork-");
    try {
      for (int round = 0; round < rounds; round++) {
        List<String> names = new ArrayList<>(order);
        if (round % 2 == 1) {
          Collections.reverse(names);
        }
        for (String name : names) {
          OptionsBuilder options = new OptionsBuilder();
          options
              .include(ScoringBench.class.getName() + "\\." + name + "$")
              .warmupIterations(warmups)
              .warmupTime(TimeValue.milliseconds(warmupTime.toMillis()))
              .measurementIterations(iterations)
              .measurementTime(TimeValue.milliseconds(time.toMillis()))
              .forks(forks)
              // the fork loads LightGBM: its own temp dir (the last -D wins over the inherited one)
              .jvmArgsAppend("-Djava.io.tmpdir=" + forkTmp.toAbsolutePath())
              .param("trees", Integer.toString(trees))
              .param("leaves", Integer.toString(leaves))
              .param("rows", Integer.toString(rows));
          for (RunResult r : new Runner(options.build()).run()) {
            Result<?> res = r.getPrimaryResult();
            scores.computeIfAbsent(res.getLabel(), k -> new ArrayList<>()).add(res.getScore());
            errors.computeIfAbsent(res.getLabel(), k -> new ArrayList<>()).add(res.getScoreError());
          }
        }
      }
    } finally {
      TempDirs.delete(forkTmp);
    }
    Map<String, double[]> byName = new LinkedHashMap<>();
    for (String name : scores.keySet()) {
      byName.put(
          name,
          new double[] {
            scores.get(name).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
            errors.get(name).stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)
          });
    }
    String omp = System.getenv("OMP_NUM_THREADS");
    System.out.println();
    System.out.println(
        "OMP_NUM_THREADS="
            + (omp == null ? "(unset: LightGBM's OpenMP uses every core)" : omp)
            + "; per-run scores (ns/row): "
            + scores);

    Table t =
        new Table(
            "Scoring one row in process, LightGBM "
                + trees
                + " trees x "
                + leaves
                + " leaves, "
                + FeatureCatalog.schema().size()
                + " features, "
                + rows
                + " rows in rotation",
            "what",
            "model-runtime ns/row",
            "+/- (max 99.9%)",
            "bare LightGBM4j ns/row",
            "+/- (max 99.9%)",
            "model-runtime / bare");
    row(
        t,
        "probability (bare: predictForMatSingleRow)",
        byName.get("scorerProbability"),
        byName.get("bareSingleRowProbability"));
    row(
        t,
        "SHAP contributions (bare: predictForMat CONTRIB)",
        byName.get("scorerContributions"),
        byName.get("bareContributions"));
    t.print(System.out);
    System.out.println(
        "ratio < 1: model-runtime's scorer is cheaper per row than the bare LightGBM4j call; > 1: it adds overhead.");
    System.out.println("at the end, " + Machine.describe());
  }

  private static void row(Table t, String what, double[] scorer, double[] bare) {
    if (scorer == null || bare == null) {
      t.row(what, "(not run)", "", "", "", "");
      return;
    }
    t.row(
        what,
        String.format(Locale.ROOT, "%.0f", scorer[0]),
        error(scorer[1]),
        String.format(Locale.ROOT, "%.0f", bare[0]),
        error(bare[1]),
        Table.ratio(scorer[0] / bare[0]));
  }

  private static String error(double e) {
    return Double.isNaN(e) ? "n/a" : String.format(Locale.ROOT, "%.0f", e);
  }
}
