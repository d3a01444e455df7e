package io.propensity.bench.quality;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The outside reference of a tabular data set: {@code bench/quality/reference/xgboost_reference.py}
 * (scikit-learn's logistic regression and XGBoost, from Debian's python3 packages) on the very file
 * Propensity trained on, split column included. Its Markdown rows go into the report as they are.
 * When the interpreter or its packages are missing, the reason is reported instead.
 */
final class ReferenceRun {
  static final String PYTHON_ENV = "PROPENSITY_BENCH_PYTHON";
  static final String SCRIPT = "bench/quality/reference/xgboost_reference.py";

  /** The table rows the script printed, or why there are none. */
  record Outcome(List<String> rows, String problem, String command) {}

  private ReferenceRun() {}

  /**
   * Runs the reference on {@code table}; the label, categorical and dropped columns come from the
   * data set's {@code propensity train} arguments, so both runs read the columns the same way.
   */
  static Outcome run(Path repo, QualityDataset d, Path table, Path log)
      throws IOException, InterruptedException {
    String python = System.getenv().getOrDefault(PYTHON_ENV, "/usr/bin/python3");
    List<String> cmd = new ArrayList<>(List.of(python, repo.resolve(SCRIPT).toString()));
    cmd.add(table.toString());
    option(d.trainArgs(), "--label").ifPresent(v -> cmd.addAll(List.of("--label", v)));
    option(d.trainArgs(), "--categorical").ifPresent(v -> cmd.addAll(List.of("--categorical", v)));
    option(d.trainArgs(), "--ignore").ifPresent(v -> cmd.addAll(List.of("--drop", v)));
    cmd.addAll(List.of("--split-column", SplitColumn.COLUMN, "--seed", "42"));
    String shown = String.join(" ", cmd).replace(repo + "/", "");
    if (!Files.isExecutable(Path.of(python))) {
      return new Outcome(List.of(), "no " + python + " (set " + PYTHON_ENV + ")", shown);
    }
    Process p =
        new ProcessBuilder(cmd)
            .directory(repo.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(Duration.ofMinutes(30).toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return new Outcome(List.of(), "timed out after 30 minutes (" + log + ")", shown);
    }
    List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      String last = out.isEmpty() ? "" : out.get(out.size() - 1);
      return new Outcome(
          List.of(),
          "exit "
              + p.exitValue()
              + ": "
              + last
              + " (apt-get install python3-xgboost"
              + " python3-sklearn python3-pandas)",
          shown);
    }
    List<String> rows =
        out.stream().filter(l -> l.startsWith("| ") && !l.startsWith("| reference")).toList();
    return new Outcome(rows, "", shown);
  }

  private static Optional<String> option(List<String> args, String name) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
  }
}
