package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.propensity.client.ModelRegistryClient;
import io.propensity.sources.csv.GenericCsvWriter;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.GoldenRow;

/**
 * Issue 12 end to end, through the CLI alone: a model trained on a team's own table (the public UCI
 * online-shoppers sessions, string categoricals {@code Month} and {@code VisitorType}) is promoted,
 * hot-reloaded by a running inference-service beside the events model it already serves, and scores
 * the held-out rows of the table through {@code predict --features-file} exactly as the training
 * service scored them (its golden test rows), with {@code explain} and {@code targets} on the same
 * rows and the table model's bad requests answered clearly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TableModelThroughTheCliIT {
  static final Instant END = Instant.now().truncatedTo(ChronoUnit.HOURS);
  static final String MODEL = "shoppers";

  /** The public file the quality benchmark uses (bench/quality/SOURCES.md, CC BY 4.0). */
  static final Path SHOPPERS =
      Path.of("..", "bench", "quality", "data", "online-shoppers-intention.csv.gz");

  @TempDir static Path dir;
  LocalStack stack;
  CliRun.Run tableTraining;
  List<String> header;
  List<String[]> heldOut;
  Path heldOutFile;

  @BeforeAll
  void startTheStackServeAnEventsModelThenTrainAndPromoteATableModel() throws Exception {
    stack = LocalStack.ofBuiltJars(dir);
    stack.startFeaturesAndTraining();

    // the events (ENGINE) model the stack serves first: demo events imported, trained, promoted
    CliRun.Run imported = cli("import", writeDemoEvents().toString());
    assertThat(imported.exit()).as(imported.all()).isZero();
    CliRun.Run engine =
        cli("train", "--target", "purchase", "--horizon", "7d", "--trials", "0", "--promote");
    assertThat(engine.exit()).as(engine.all() + stack.training.tail()).isZero();
    // SERVING once purchase-7d is loaded; a short poll besides the registry's watch stream
    stack.startInference(Map.of("PROPENSITY_INFERENCE_REGISTRY_POLL_INTERVAL", "2s"), "384m");

    // the table model, trained and promoted while inference-service runs
    Path table = writeShoppersSubset();
    tableTraining =
        cli(
            "train",
            "--csv",
            table.toString(),
            "--label",
            "Revenue",
            "--model",
            MODEL,
            "--categorical",
            "Month,VisitorType",
            "--id-column",
            "session_id",
            "--split-column",
            "split",
            "--trials",
            "0",
            "--promote");
  }

  @AfterAll
  void stopTheStack() throws Exception {
    stack.stop();
  }

  CliRun.Run cli(String... args) {
    return stack.cli(args);
  }

  /** A command on rows of the table model: its options for the id, label and split columns. */
  CliRun.Run onRows(Path file, String command, String... more) {
    List<String> args =
        new ArrayList<>(List.of(command, "--model", MODEL, "--features-file", file.toString()));
    args.addAll(List.of("--id-column", "session_id", "--ignore-columns", "Revenue,split"));
    args.addAll(Arrays.asList(more));
    return cli(args.toArray(String[]::new));
  }

  /** Predicts the held-out rows, retrying until inference-service has reloaded the table model. */
  CliRun.Run predictOnceServed(Path out) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    CliRun.Run r;
    do {
      r = onRows(heldOutFile, "predict", "--out", out.toString());
      if (r.exit() == 0) {
        return r;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    return r;
  }

  @Test
  void theHeldOutRowsScoreThroughTheCliExactlyAsTheTrainingServiceScoredThem() throws Exception {
    assertThat(tableTraining.exit()).as(tableTraining.all() + stack.training.tail()).isZero();
    assertThat(tableTraining.out())
        .contains("registered " + MODEL + " version 1")
        .contains("features: PROVIDED")
        .contains("production of " + MODEL + " now points at version 1 (was unset)");

    Path scores = dir.resolve("scores.csv");
    CliRun.Run predicted = predictOnceServed(scores);
    assertThat(predicted.exit()).as(predicted.all() + stack.inference.tail()).isZero();
    assertThat(predicted.out())
        .containsPattern("s\\d+ +p=0\\.\\d{4} .*" + MODEL + " v1")
        .contains("wrote " + String.format("%,d", heldOut.size()) + " predictions to");
    Map<String, Double> scored = readScores(scores);
    assertThat(scored).hasSize(heldOut.size());

    // the training service's own scores of test rows, kept with the version
    List<GoldenRow> golden;
    var channel = stack.training.channel();
    try {
      golden =
          new ModelRegistryClient(channel, Duration.ofSeconds(30))
              .getModelVersion(
                  GetModelVersionRequest.newBuilder().setName(MODEL).setVersion(1).build())
              .getModelVersion()
              .getGoldenRowsList();
    } finally {
      channel.shutdownNow();
    }
    assertThat(golden).isNotEmpty();
    double maxDelta = 0;
    for (GoldenRow g : golden) {
      assertThat(g.getUserId()).as("each golden row keeps its session_id").startsWith("s");
      assertThat(scored)
          .as("golden row %s among the held-out rows", g.getUserId())
          .containsKey(g.getUserId());
      double delta = Math.abs(scored.get(g.getUserId()) - g.getExpectedProbability());
      maxDelta = Math.max(maxDelta, delta);
    }
    System.out.printf(
        "table model: %d golden rows of %d held-out rows, max |CLI score - golden| = %.3g%n",
        golden.size(), heldOut.size(), maxDelta);
    assertThat(maxDelta).isLessThanOrEqualTo(1e-9);

    // explain one held-out row: the bias and every contribution add up to the logit it prints
    CliRun.Run explained = onRows(heldOutFile, "explain", "--row", "2", "--top", "0");
    assertThat(explained.exit()).as(explained.all()).isZero();
    String second = heldOut.get(1)[0];
    assertThat(explained.out())
        .contains(second + " ")
        .contains(String.format(Locale.ROOT, "p=%.4f", scored.get(second)));
    Matcher sum =
        Pattern.compile(
                "bias ([+-]\\d+\\.\\d{4}) \\+ contributions ([+-]\\d+\\.\\d{4}) = logit ([+-]\\d+\\.\\d{4})")
            .matcher(explained.out());
    assertThat(sum.find()).as(explained.out()).isTrue();
    List<Double> contributions =
        explained
            .out()
            .lines()
            .filter(l -> l.matches("\\s+[+-]\\d+\\.\\d{4} .*"))
            .map(l -> Double.parseDouble(l.strip().split("\\s+")[0]))
            .toList();
    int featureCount = header.size() - 3; // less session_id, Revenue and split
    assertThat(contributions).hasSize(featureCount);
    double bias = Double.parseDouble(sum.group(1));
    double logit = Double.parseDouble(sum.group(3));
    // each printed number is rounded to 4 decimals
    assertThat(bias + contributions.stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(logit, offset((featureCount + 2) * 5e-5));
    assertThat(Math.abs(Double.parseDouble(sum.group(2)) + bias - logit)).isLessThan(1.5e-4);

    // targets: the five most likely held-out rows, ranked, with the scores predict gave them
    Path ranked = dir.resolve("targets.csv");
    CliRun.Run targets = onRows(heldOutFile, "targets", "--top-k", "5", "--out", ranked.toString());
    assertThat(targets.exit()).as(targets.all()).isZero();
    assertThat(targets.out())
        .contains("scored " + String.format("%,d", heldOut.size()) + " candidates, selected 5");
    List<String> lines = Files.readAllLines(ranked);
    assertThat(lines).hasSize(6);
    List<Double> top = new ArrayList<>();
    for (String l : lines.subList(1, 6)) {
      String[] c = l.split(",");
      double p = Double.parseDouble(c[2]);
      assertThat(p).as(l).isCloseTo(scored.get(c[1]), offset(1e-6));
      top.add(p);
    }
    assertThat(top).isSortedAccordingTo(Comparator.reverseOrder());
    List<Double> best =
        scored.values().stream().sorted(Comparator.reverseOrder()).limit(5).toList();
    for (int i = 0; i < 5; i++) {
      assertThat(top.get(i)).isCloseTo(best.get(i), offset(1e-6));
    }

    // the events model still answers by user beside the table model
    CliRun.Run byUser = cli("predict", "--user", DemoDataGenerator.userId(1));
    assertThat(byUser.exit()).as(byUser.all()).isZero();
    assertThat(byUser.out())
        .containsPattern(DemoDataGenerator.userId(1) + " +p=0\\.\\d{4} .*purchase-7d v1");
  }

  @Test
  void theTableModelsBadRequestsAreAnsweredClearlyThroughTheCli() throws Exception {
    assertThat(tableTraining.exit()).as(tableTraining.all()).isZero();
    CliRun.Run served = predictOnceServed(dir.resolve("ignored.csv"));
    assertThat(served.exit()).as(served.all() + stack.inference.tail()).isZero();

    // an unseen category: the second row's Month is no month of the table
    int month = header.indexOf("Month");
    List<String[]> three = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      three.add(heldOut.get(i).clone());
    }
    three.get(1)[month] = "Smarch";
    Path unseen = write("unseen.csv", header, three);
    CliRun.Run unseenRun = onRows(unseen, "predict");
    assertThat(unseenRun.exit()).as(unseenRun.all()).isEqualTo(3);
    assertThat(unseenRun.out())
        .contains(three.get(1)[0] + " ")
        .contains("error: unseen.csv line 3, column Month: ")
        .contains("Smarch");
    assertThat(unseenRun.err()).contains("1 of 3 rows could not be scored");

    // a feature column left out of the file
    int bounce = header.indexOf("BounceRates");
    List<String> shorter = new ArrayList<>(header);
    shorter.remove(bounce);
    List<String[]> shortRows = new ArrayList<>();
    for (String[] r : three.subList(0, 1)) {
      List<String> cells = new ArrayList<>(Arrays.asList(r));
      cells.remove(bounce);
      shortRows.add(cells.toArray(String[]::new));
    }
    CliRun.Run missing = onRows(write("missing.csv", shorter, shortRows), "predict");
    assertThat(missing.exit()).as(missing.all()).isEqualTo(2);
    assertThat(missing.err())
        .contains("missing.csv has no column for 1 feature(s) of the model: BounceRates");

    // a by-user request to the table model, which cannot compute a user's features
    CliRun.Run byUser = cli("predict", "--model", MODEL, "--user", DemoDataGenerator.userId(1));
    assertThat(byUser.exit()).as(byUser.all()).isEqualTo(3);
    assertThat(byUser.err())
        .startsWith("error: FAILED_PRECONDITION")
        .contains("takes provided features");
  }

  /** The demo events of 400 shoppers over 40 days, as a generic CSV for {@code import}. */
  private Path writeDemoEvents() throws IOException {
    DemoDataGenerator demo =
        new DemoDataGenerator(
            DemoConfig.defaults(400, END).withWindow(END.minus(Duration.ofDays(40)), END));
    Path f = dir.resolve("demo-events.csv");
    try (Writer w = Files.newBufferedWriter(f);
        GenericCsvWriter csv = new GenericCsvWriter(w)) {
      for (var it = demo.events().iterator(); it.hasNext(); ) {
        csv.write(it.next());
      }
    }
    return f;
  }

  /**
   * A seeded sample of 3,000 sessions of the public file, with a {@code session_id} (its line in
   * the file) and a {@code split} column (60% train, 20% validation, 20% test); the test rows are
   * also written alone, as the held-out file a user scores.
   */
  private Path writeShoppersSubset() throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(SHOPPERS)), StandardCharsets.UTF_8))) {
      r.lines().forEach(lines::add);
    }
    header = new ArrayList<>();
    header.add("session_id");
    header.addAll(Arrays.asList(lines.get(0).split(",", -1)));
    header.add("split");
    Random random = new Random(12);
    List<Integer> picked = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      picked.add(i);
    }
    java.util.Collections.shuffle(picked, random);
    picked = new ArrayList<>(picked.subList(0, 3000));
    picked.sort(null);
    List<String[]> all = new ArrayList<>();
    heldOut = new ArrayList<>();
    for (int line : picked) {
      double u = random.nextDouble();
      String part = u < 0.6 ? "train" : u < 0.8 ? "validation" : "test";
      List<String> cells = new ArrayList<>();
      cells.add("s" + line);
      cells.addAll(Arrays.asList(lines.get(line).split(",", -1)));
      cells.add(part);
      String[] row = cells.toArray(String[]::new);
      all.add(row);
      if (part.equals("test")) {
        heldOut.add(row);
      }
    }
    heldOutFile = write("held-out.csv", header, heldOut);
    return write("shoppers.csv", header, all);
  }

  private static Path write(String name, List<String> header, List<String[]> rows)
      throws IOException {
    StringBuilder s = new StringBuilder(String.join(",", header)).append('\n');
    rows.forEach(r -> s.append(String.join(",", r)).append('\n'));
    Path f = dir.resolve(name);
    Files.writeString(f, s);
    return f;
  }

  /** The {@code predict --out} file: each row id's probability. */
  private static Map<String, Double> readScores(Path f) throws IOException {
    List<String> lines = Files.readAllLines(f);
    assertThat(lines.get(0)).isEqualTo("id,probability,target,threshold,model,version");
    Map<String, Double> out = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split(",");
      assertThat(c[4]).isEqualTo(MODEL);
      out.put(c[0], Double.parseDouble(c[1]));
    }
    return out;
  }
}
