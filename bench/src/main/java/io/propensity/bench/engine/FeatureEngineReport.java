package io.propensity.bench.engine;

import io.propensity.bench.support.Args;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.Table;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link FeatureEngineBench} through JMH and prints each score with its ratio to the baseline
 * of the same run. {@code java -jar benchmarks.jar} runs the same benchmarks without the ratios.
 */
public final class FeatureEngineReport {
  private static final String USAGE =
      """
      FeatureEngineReport: JMH benchmarks of the feature engine, reported against a same-run baseline.
        --warmup-iterations N   warm-up iterations per benchmark (default 5)
        --warmup-time D         length of one warm-up iteration (default 1s)
        --iterations N          measured iterations per benchmark (default 5)
        --time D                length of one measured iteration (default 1s)
        --forks N               forked JVMs per benchmark (default 1)
      """;

  private FeatureEngineReport() {}

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
    args.done();
    System.out.println(Machine.describe());

    // JMH runs benchmarks one after another (baselines first, alphabetically); the baselines run
    // again at the end and their mean is the reference, so a drift in background load during the
    // run does not favour either side.
    Map<String, Result<?>> byName = new LinkedHashMap<>();
    for (RunResult r :
        new Runner(
                options(
                    FeatureEngineBench.class.getName() + "\\.",
                    warmups,
                    warmupTime,
                    iterations,
                    time,
                    forks))
            .run()) {
      byName.put(r.getPrimaryResult().getLabel(), r.getPrimaryResult());
    }
    Map<String, Result<?>> again = new LinkedHashMap<>();
    for (RunResult r :
        new Runner(
                options(
                    FeatureEngineBench.class.getName() + "\\.baseline.*",
                    warmups,
                    warmupTime,
                    iterations,
                    time,
                    forks))
            .run()) {
      again.put(r.getPrimaryResult().getLabel(), r.getPrimaryResult());
    }
    Map<String, Double> baseline = new LinkedHashMap<>();
    for (String b : List.of("baselineTouchEvents", "baselineTouchUserHistory")) {
      if (byName.containsKey(b) && again.containsKey(b)) {
        baseline.put(b, (byName.get(b).getScore() + again.get(b).getScore()) / 2);
      } else if (byName.containsKey(b)) {
        baseline.put(b, byName.get(b).getScore());
      }
    }

    Table perEvent =
        new Table(
            "Feature engine, per event (" + FeatureEngineBench.EVENTS + " demo events per pass)",
            "benchmark",
            "events/s",
            "+/- (99.9%)",
            "ns/event",
            "ratio to baseline",
            "cost vs baseline");
    addRow(
        perEvent,
        "baselineTouchEvents (first)",
        byName.get("baselineTouchEvents"),
        baseline.get("baselineTouchEvents"));
    addRow(
        perEvent,
        "baselineTouchEvents (again, last)",
        again.get("baselineTouchEvents"),
        baseline.get("baselineTouchEvents"));
    addRow(
        perEvent,
        "incrementalApply",
        byName.get("incrementalApply"),
        baseline.get("baselineTouchEvents"));
    addRow(
        perEvent, "batchCompute", byName.get("batchCompute"), baseline.get("baselineTouchEvents"));
    perEvent.print(System.out);

    Table perCall =
        new Table(
            "Feature engine, per call (one user per call, users in rotation)",
            "benchmark",
            "calls/s",
            "+/- (99.9%)",
            "ns/call",
            "ratio to baseline",
            "cost vs baseline");
    addRow(
        perCall,
        "baselineTouchUserHistory (first)",
        byName.get("baselineTouchUserHistory"),
        baseline.get("baselineTouchUserHistory"));
    addRow(
        perCall,
        "baselineTouchUserHistory (again, last)",
        again.get("baselineTouchUserHistory"),
        baseline.get("baselineTouchUserHistory"));
    addRow(
        perCall, "vectorAsOf", byName.get("vectorAsOf"), baseline.get("baselineTouchUserHistory"));
    addRow(
        perCall,
        "batchComputeUser",
        byName.get("batchComputeUser"),
        baseline.get("baselineTouchUserHistory"));
    perCall.print(System.out);

    if (byName.containsKey("vectorAsOf") && byName.containsKey("batchComputeUser")) {
      double speedup =
          byName.get("vectorAsOf").getScore() / byName.get("batchComputeUser").getScore();
      System.out.printf(
          Locale.ROOT,
          "%nvectorAsOf from the online state is %.2fx as fast as recomputing the vector from the history.%n",
          speedup);
    }
    System.out.println(
        "ratio = score / baseline score (mean of the baseline's first and last run; 1.0 = as fast as just"
            + " touching the data); cost = its inverse.");
    System.out.println("at the end, " + Machine.describe());
  }

  private static Options options(
      String include, int warmups, Duration warmupTime, int iterations, Duration time, int forks) {
    return new OptionsBuilder()
        .include(include)
        .warmupIterations(warmups)
        .warmupTime(TimeValue.milliseconds(warmupTime.toMillis()))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.milliseconds(time.toMillis()))
        .forks(forks)
        .build();
  }

  private static void addRow(Table t, String name, Result<?> r, Double baseline) {
    if (r == null) {
      t.row(name, "(not run)", "", "", "", "");
      return;
    }
    double score = r.getScore();
    String ratio = baseline == null ? "n/a" : Table.ratio(score / baseline);
    String cost = baseline == null ? "n/a" : String.format(Locale.ROOT, "%.1fx", baseline / score);
    double err = r.getScoreError();
    t.row(
        name,
        Table.rate(score),
        Double.isNaN(err) ? "n/a" : Table.rate(err),
        String.format(Locale.ROOT, "%.1f", 1e9 / score),
        ratio,
        cost);
  }
}
