package io.propensity.bench.quality;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.ServiceJars;
import io.propensity.client.ModelRegistryClient;
import io.propensity.client.security.ChannelSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import propensity.registry.v1.ListModelVersionsRequest;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ModelVersionView;

/**
 * The real-data quality benchmark: for every public data set of {@link QualityDataset#all()}, a
 * fresh local stack ({@code propensity up}), the data imported through the CLI ({@code propensity
 * import}), a training job from a point-in-time training set or from the table ({@code propensity
 * train}, time split: tested on the later cutoffs), and the registered version read back from the
 * registry; then one table of LightGBM against its logistic baseline and the naive rules, each
 * metric with its bootstrap 95% interval. Data sets that are not at hand are listed as skipped with
 * the reason.
 */
public final class QualityBench {

  private static final String USAGE =
      """
      bench/run.sh quality [--datasets a,b,...] [--trials N] [--folds N] [--out FILE] [--work-dir DIR]
                           [--base-port P] [--keep-stacks true]

        --datasets   comma-separated names (default: all): %s
        --trials     tuning trials per data set (default 20)
        --folds      cross-validation folds (default 3)
        --out        also write the report (Markdown) to FILE
        --work-dir   state directories and logs (default: a new temporary directory)
        --base-port  first stack's base port; each data set gets its own stack 100 ports higher (default 22000:
                     below Linux's ephemeral range 32768-60999, where another process's outgoing
                     connection can take a port between two stacks)
        --keep-stacks  leave each stack running after its data set (default false)

      Data sets not kept in the repository come from bench/quality/fetch-data.sh, cached in
      $PROPENSITY_DATA_CACHE (default ~/.cache/propensity/datasets).
      """;

  private QualityBench() {}

  public static void main(String[] argv) throws Exception {
    List<QualityDataset> all = QualityDataset.all();
    Args args =
        Args.parse(
            argv,
            USAGE.formatted(String.join(", ", all.stream().map(QualityDataset::name).toList())));
    String names = args.string("datasets", "");
    int trials = args.intValue("trials", 20, 0, 1000);
    int folds = args.intValue("folds", 3, 2, 20);
    String out = args.string("out", "");
    String workDirArg = args.string("work-dir", "");
    int basePort = args.intValue("base-port", 22_000, 2_000, 60_000);
    boolean keep = args.bool("keep-stacks", false);
    args.done();

    Set<String> wanted = new LinkedHashSet<>();
    for (String n : names.split(",")) {
      if (!n.isBlank()) {
        wanted.add(n.strip());
      }
    }
    List<QualityDataset> selected = new ArrayList<>();
    Set<String> unknown = new LinkedHashSet<>(wanted);
    for (QualityDataset d : all) {
      if (wanted.isEmpty() || wanted.contains(d.name())) {
        selected.add(d);
        unknown.remove(d.name());
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown data sets " + unknown + "; known: " + names(all));
    }
    Path repo = repositoryRoot();
    Path cache =
        Path.of(
                System.getenv()
                    .getOrDefault(
                        "PROPENSITY_DATA_CACHE",
                        Path.of(System.getProperty("user.home"), ".cache", "propensity", "datasets")
                            .toString()))
            .toAbsolutePath();
    Path work =
        workDirArg.isBlank()
            ? Files.createTempDirectory("propensity-quality-")
            : Files.createDirectories(Path.of(workDirArg).toAbsolutePath());

    System.out.println(Machine.describe());
    System.out.printf(
        "quality benchmark: %d data set(s), %d tuning trials, %d folds; work dir %s%n",
        selected.size(), trials, folds, work);
    QualityReport report = new QualityReport(trials, folds);
    int port = basePort;
    for (QualityDataset d : selected) {
      Instant t0 = Instant.now();
      QualityReport.Outcome outcome = runOne(d, repo, cache, work, port, trials, folds, keep);
      report.add(d, outcome, Duration.between(t0, Instant.now()));
      System.out.println(report.lines(d.name()));
      port += 100;
    }
    String text = report.render();
    System.out.println();
    System.out.println(text);
    if (!out.isBlank()) {
      Files.writeString(Path.of(out), text, StandardCharsets.UTF_8);
      System.out.println("written to " + out);
    }
  }

  private static QualityReport.Outcome runOne(
      QualityDataset d,
      Path repo,
      Path cache,
      Path work,
      int basePort,
      int trials,
      int folds,
      boolean keep)
      throws InterruptedException, IOException {
    System.out.printf("%n######## %s (%s UTC) ########%n", d.name(), Instant.now());
    var file = d.locate(repo, cache);
    if (file.isEmpty()) {
      return QualityReport.Outcome.skipped(
          d.cached()
              ? "not fetched: run bench/quality/fetch-data.sh (" + cache.resolve(d.file()) + ")"
              : "missing from the repository: " + d.file());
    }
    String sha = sha256(file.get());
    if (!sha.equals(d.sha256())) {
      return QualityReport.Outcome.skipped(
          "SHA-256 of " + file.get() + " is " + sha + ", SOURCES.md says " + d.sha256());
    }
    Path dir = Files.createDirectories(work.resolve(d.name()));
    Path log = dir.resolve("cli.log");
    CliRunner cli = new CliRunner(repo, basePort, dir.resolve("stack"), log);
    CliRunner.Result up = cli.up();
    if (!up.ok()) {
      cli.down();
      return QualityReport.Outcome.failed("the stack did not start (see " + log + ")");
    }
    try {
      List<String> train = new ArrayList<>(List.of("train", "--model", d.name()));
      if (d.tabular()) {
        Path table = SplitColumn.write(file.get(), dir.resolve(d.name() + ".csv"), 42);
        train.addAll(List.of("--csv", table.toString()));
        // the table's own split, fixed before any model is trained: Propensity trains, picks its
        // threshold and tests on exactly the rows the reference run of another library uses
        train.addAll(List.of("--split-column", SplitColumn.COLUMN));
      } else {
        System.out.println("importing " + file.get());
        List<String> imp = new ArrayList<>(List.of("import", file.get().toString()));
        imp.addAll(d.importArgs());
        CliRunner.Result r = cli.run(imp, Duration.ofMinutes(30));
        System.out.println(lastLines(r.output(), 6));
        if (!r.ok()) {
          return QualityReport.Outcome.failed(
              "import failed (exit " + r.exitCode() + ", " + log + ")");
        }
        train.addAll(List.of("--split", "time", "--test-fraction", "0.25"));
      }
      train.addAll(d.trainArgs());
      train.addAll(
          List.of(
              "--trials",
              Integer.toString(trials),
              "--folds",
              Integer.toString(folds),
              "--seed",
              "42",
              "--timeout",
              "120m"));
      System.out.println("training: propensity " + String.join(" ", train));
      CliRunner.Result t = cli.run(train, Duration.ofMinutes(130));
      System.out.println(lastLines(t.output(), 12));
      if (!t.ok()) {
        return QualityReport.Outcome.failed(
            "training failed (exit " + t.exitCode() + "): " + lastLines(t.output(), 3).strip());
      }
      QualityReport.Outcome trained =
          QualityReport.Outcome.trained(latest(cli.trainingPort(), d.name()));
      if (d.tabular()) {
        System.out.println("outside reference on the same split: " + ReferenceRun.SCRIPT);
        ReferenceRun.Outcome ref =
            ReferenceRun.run(repo, d, dir.resolve(d.name() + ".csv"), dir.resolve("reference.log"));
        System.out.println(ref.problem().isEmpty() ? String.join("\n", ref.rows()) : ref.problem());
        trained = trained.withReference(ref);
      } else {
        trained = trained.withReference(referenceOnTrainingSet(d, repo, dir, cli));
      }
      return trained;
    } finally {
      if (!keep) {
        cli.down();
      }
    }
  }

  /**
   * The outside reference of a log: the same target and cutoffs written as a training set by the
   * CLI, then scikit-learn and XGBoost on it with a time split like Propensity's.
   */
  private static ReferenceRun.Outcome referenceOnTrainingSet(
      QualityDataset d, Path repo, Path dir, CliRunner cli)
      throws IOException, InterruptedException {
    Path csv = dir.resolve(d.name() + "-training-set.csv");
    List<String> ts = new ArrayList<>(List.of("training-set", "--out", csv.toString()));
    ts.addAll(d.trainArgs());
    System.out.println("outside reference: propensity " + String.join(" ", ts));
    CliRunner.Result r = cli.run(ts, Duration.ofMinutes(30));
    if (!r.ok()) {
      return new ReferenceRun.Outcome(
          List.of(),
          "training-set failed (exit " + r.exitCode() + "): " + lastLines(r.output(), 2).strip(),
          "propensity " + String.join(" ", ts));
    }
    ReferenceRun.Outcome ref =
        ReferenceRun.runOnTrainingSet(repo, csv, purgeHours(d), dir.resolve("reference.log"));
    System.out.println(ref.problem().isEmpty() ? String.join("\n", ref.rows()) : ref.problem());
    return ref;
  }

  /** The purge gap of a data set's time split: its label horizon, or the 30-minute session gap. */
  static double purgeHours(QualityDataset d) {
    int t = d.trainArgs().indexOf("--target");
    if (t >= 0 && d.trainArgs().get(t + 1).equals("session-conversion")) {
      return 0.5;
    }
    int h = d.trainArgs().indexOf("--horizon");
    String v = h >= 0 ? d.trainArgs().get(h + 1) : "30d";
    double n = Double.parseDouble(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 'd' -> n * 24;
      case 'h' -> n;
      case 'm' -> n / 60;
      default -> throw new IllegalArgumentException("horizon " + v);
    };
  }

  /** The newest version of {@code name} in the registry on {@code port}, fully. */
  private static ModelVersion latest(int port, String name) throws InterruptedException {
    ManagedChannel ch = ChannelSecurity.plaintext().open(ServiceJars.HOST + ":" + port);
    try {
      var registry = new ModelRegistryClient(ch, Duration.ofSeconds(30));
      ModelVersion newest = null;
      for (ModelVersion v :
          registry
              .listModelVersions(
                  ListModelVersionsRequest.newBuilder()
                      .setName(name)
                      .setPageSize(100)
                      .setView(ModelVersionView.MODEL_VERSION_VIEW_FULL)
                      .build())
              .getModelVersionsList()) {
        if (newest == null || v.getVersion() > newest.getVersion()) {
          newest = v;
        }
      }
      if (newest == null) {
        throw new IllegalStateException("no version of " + name + " was registered");
      }
      return newest;
    } finally {
      ch.shutdownNow();
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String lastLines(String text, int n) {
    String[] lines = text.split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
      sb.append("  | ").append(lines[i]).append('\n');
    }
    return sb.toString();
  }

  private static String names(List<QualityDataset> all) {
    return String.join(", ", all.stream().map(QualityDataset::name).toList());
  }

  /** The checkout: the first directory above the working directory that holds bench/quality. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("bench").resolve("quality"))) {
        return dir;
      }
    }
    throw new UncheckedIOException(
        new IOException("bench/quality not found above " + Path.of("").toAbsolutePath()));
  }
}
