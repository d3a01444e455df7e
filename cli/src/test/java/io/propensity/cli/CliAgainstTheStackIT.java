package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.common.testing.ServiceProcess;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.sources.csv.GenericCsvWriter;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model commands of the CLI (train, jobs, models, predict, explain, targets, replay, bench)
 * against real feature-, training- and inference-service processes started from their jars.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstTheStackIT {
  static final Instant END = Instant.now().truncatedTo(ChronoUnit.HOURS);
  static final DemoDataGenerator DEMO =
      new DemoDataGenerator(
          DemoConfig.defaults(400, END).withWindow(END.minus(Duration.ofDays(40)), END));
  @TempDir static Path dir;
  LocalStack stack;
  CliRun.Run firstTraining;

  @BeforeAll
  void startTheStackAndTrainAModel() throws Exception {
    stack = LocalStack.ofBuiltJars(dir);
    stack.startFeaturesAndTraining();
    try (var client =
        io.propensity.client.FeatureServiceClient.connect(stack.fs(), Duration.ofSeconds(30))) {
      assertThat(
              client
                  .ingest(DEMO.events().iterator(), 1000, Duration.ofMinutes(5), n -> {})
                  .getRejectedCount())
          .isZero();
    }

    firstTraining =
        cli(
            "train",
            "--target",
            "purchase",
            "--horizon",
            "7d",
            "--trials",
            "2",
            "--folds",
            "2",
            "--promote");

    if (firstTraining.exit() == 0) {
      stack.startInference(Map.of(), "256m"); // SERVING once it has loaded the production model
    }
  }

  @AfterAll
  void stopTheStack() throws Exception {
    stack.stop();
  }

  /** The CLI pointed at this test's services. */
  CliRun.Run cli(String... args) {
    return stack.cli(args);
  }

  @Test
  void trainFromFeatureServiceFollowsTheJobPrintsTheEvaluationAndPromotes() {
    assertThat(firstTraining.exit()).as(firstTraining.all() + stack.training.tail()).isZero();
    assertThat(firstTraining.out())
        .contains("training purchase-7d on a feature-service training set")
        .contains("cutoffs every 2d")
        .contains("tuning")
        .contains("registered purchase-7d version 1")
        .containsPattern("LightGBM +ROC-AUC 0\\.\\d{3}")
        .contains("baseline")
        .contains("confidence intervals: ")
        .containsPattern("LightGBM − baseline +ROC-AUC [+−]\\d\\.\\d{3} \\[")
        .contains("bought in the last 30 days")
        .containsPattern("verdict: LightGBM (beats|does not beat)")
        .contains("production of purchase-7d now points at version 1 (was unset)");
  }

  @Test
  void trainFromACsvWithALabelColumnRegistersAVersionAndABadFileFailsTheJobWithItsReason()
      throws Exception {
    Path csv = dir.resolve("customers.csv");
    Random r = new Random(7);
    StringBuilder s = new StringBuilder("customer,visits,spend,channel,bought\n");
    for (int i = 0; i < 400; i++) {
      int visits = r.nextInt(20);
      double spend = r.nextDouble() * 100;
      boolean bought = visits + r.nextGaussian() * 4 > 12;
      s.append("c")
          .append(i)
          .append(',')
          .append(visits)
          .append(',')
          .append(String.format(java.util.Locale.ROOT, "%.2f", spend))
          .append(',')
          .append(r.nextBoolean() ? "email" : "ads")
          .append(',')
          .append(bought)
          .append('\n');
    }
    Files.writeString(csv, s);

    CliRun.Run first =
        cli(
            "train",
            "--csv",
            csv.toString(),
            "--label",
            "bought",
            "--model",
            "csv-buyers",
            "--ignore",
            "customer",
            "--trials",
            "0");
    assertThat(first.exit()).as(first.all()).isZero();
    assertThat(first.out()).contains("registered csv-buyers version 1").contains("ROC-AUC");
    assertThat(first.out())
        .contains(
            "features: PROVIDED (the team's own features): scores rows you send:"
                + " predict --features-file");
    CliRun.Run second =
        cli(
            "train",
            "--csv",
            csv.toString(),
            "--label",
            "bought",
            "--model",
            "csv-buyers",
            "--ignore",
            "customer",
            "--trials",
            "0",
            "--imbalance",
            "class-weights",
            "--no-baseline");
    assertThat(second.exit()).as(second.all()).isZero();
    assertThat(second.out()).contains("registered csv-buyers version 2");

    CliRun.Run wrongLabel =
        cli(
            "train",
            "--csv",
            csv.toString(),
            "--label",
            "no_such_column",
            "--model",
            "csv-buyers",
            "--trials",
            "0");
    assertThat(wrongLabel.exit()).isEqualTo(1);
    assertThat(wrongLabel.out()).contains("failed:").contains("no_such_column");

    CliRun.Run show = cli("models", "show", "csv-buyers", "1");
    assertThat(show.exit()).as(show.all()).isZero();
    assertThat(show.out()).contains("CSV " + csv.toAbsolutePath()).contains("label bought");
    assertThat(show.out()).contains("  features    PROVIDED (the team's own features)");

    // a predefined split: every fifth row is test, every fifth but one validation
    Path parted = dir.resolve("customers-parted.csv");
    List<String> lines = Files.readAllLines(csv);
    StringBuilder p = new StringBuilder(lines.get(0)).append(",part\n");
    for (int i = 1; i < lines.size(); i++) {
      String part = i % 5 == 0 ? "test" : i % 5 == 1 ? "validation" : "train";
      p.append(lines.get(i)).append(',').append(part).append('\n');
    }
    Files.writeString(parted, p);
    CliRun.Run predefined =
        cli(
            "train",
            "--csv",
            parted.toString(),
            "--label",
            "bought",
            "--model",
            "csv-parted",
            "--ignore",
            "customer",
            "--split-column",
            "part",
            "--trials",
            "0");
    assertThat(predefined.exit()).as(predefined.all()).isZero();
    CliRun.Run partedShow = cli("models", "show", "csv-parted", "1");
    assertThat(partedShow.out()).as(partedShow.all()).contains("train 240, validation 80, test 80");
  }

  @Test
  void trainWithMissingOrBadArgumentsIsAUsageErrorBeforeAnyCall() {
    CliRun.Run noLabel = cli("train", "--csv", "x.csv", "--model", "m");
    assertThat(noLabel.exit()).isEqualTo(2);
    assertThat(noLabel.err()).contains("--label");
    CliRun.Run badTarget = cli("train", "--target", "love");
    assertThat(badTarget.exit()).isEqualTo(2);
    assertThat(badTarget.err()).contains("purchase, churn, session-conversion");
    CliRun.Run splitColumnWithoutCsv = cli("train", "--split-column", "part");
    assertThat(splitColumnWithoutCsv.exit()).isEqualTo(2);
    assertThat(splitColumnWithoutCsv.err()).contains("--split-column");
    CliRun.Run splitColumnAndSplit =
        cli(
            "train",
            "--csv",
            "x.csv",
            "--label",
            "y",
            "--model",
            "m",
            "--split-column",
            "part",
            "--split",
            "stratified");
    assertThat(splitColumnAndSplit.exit()).isEqualTo(2);
    assertThat(splitColumnAndSplit.err()).contains("--split-column fixes the split");
    CliRun.Run notANumber = cli("train", "--trials", "many");
    assertThat(notANumber.exit()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--trials");
  }

  @Test
  void jobsListsShowsAndRefusesAnUnknownJob() {
    Matcher m = Pattern.compile("job ([0-9a-zA-Z-]+)").matcher(firstTraining.out());
    assertThat(m.find()).as(firstTraining.out()).isTrue();
    String jobId = m.group(1);

    CliRun.Run list = cli("jobs");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out())
        .contains(jobId)
        .contains("purchase-7d")
        .contains("succeeded")
        .contains("ROC-AUC");

    CliRun.Run show = cli("jobs", "show", jobId);
    assertThat(show.exit()).as(show.all()).isZero();
    assertThat(show.out())
        .contains("state    succeeded")
        .contains("feature-service training set: purchase, horizon 7d")
        .contains("registered purchase-7d version 1");

    CliRun.Run unknown = cli("jobs", "show", "no-such-job");
    assertThat(unknown.exit()).isEqualTo(3);
    assertThat(unknown.err()).startsWith("error: NOT_FOUND");

    CliRun.Run cancelDone = cli("jobs", "cancel", jobId);
    assertThat(cancelDone.exit()).as("a finished job cannot be cancelled").isEqualTo(3);
    assertThat(cancelDone.err()).startsWith("error: FAILED_PRECONDITION");
  }

  @Test
  void aDetachedJobCanBeCancelledAndWatchingItThenSaysSo() {
    CliRun.Run started =
        cli("train", "--model", "cancelled-model", "--trials", "50", "--folds", "5", "--detach");
    assertThat(started.exit()).as(started.all()).isZero();
    Matcher m = Pattern.compile("job ([0-9a-zA-Z-]+)").matcher(started.out());
    assertThat(m.find()).as(started.out()).isTrue();
    String jobId = m.group(1);

    CliRun.Run cancel = cli("jobs", "cancel", jobId);
    assertThat(cancel.exit()).as(cancel.all()).isZero();
    assertThat(cancel.out())
        .containsAnyOf("job " + jobId + " cancelled", "stops at its next checkpoint");
    CliRun.Run watch = cli("jobs", "watch", jobId);
    assertThat(watch.exit()).as(watch.all()).isEqualTo(1);
    assertThat(watch.out()).contains("job " + jobId + " was cancelled; nothing was registered");
    CliRun.Run listed = cli("jobs", "--state", "cancelled");
    assertThat(listed.out()).contains(jobId).contains("cancelled-model");
  }

  @Test
  void aServiceThatIsDownIsExitCodeFourWithAHintForEveryCommand() {
    String nowhere = "127.0.0.1:" + ServiceProcess.freePort();
    List<List<String>> commands =
        List.of(
            List.of("train", "--from", "20d", "--to", "10d", "--training-service=" + nowhere),
            List.of("jobs", "--training-service=" + nowhere),
            List.of("models", "list", "--training-service=" + nowhere),
            List.of("explain", "--user", "u1", "--inference-service=" + nowhere),
            List.of("targets", "--top", "5", "--user", "u1", "--inference-service=" + nowhere),
            List.of("bench", "--requests", "10", "--inference-service=" + nowhere));
    for (List<String> c : commands) {
      List<String> args = new ArrayList<>(c);
      args.add("--deadline=3s");
      CliRun.Run r = CliRun.run(args.toArray(String[]::new));
      assertThat(r.exit()).as(c + ": " + r.all()).isEqualTo(4);
      assertThat(r.err())
          .as(c.toString())
          .startsWith("error: UNAVAILABLE")
          .contains("is the service running?");
    }
  }

  @Test
  void modelsListShowPromoteAndRollBack() {
    CliRun.Run list = cli("models", "list");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out()).containsPattern("purchase-7d +purchase +v\\d+ .*production=v1");

    CliRun.Run versions = cli("models", "list", "purchase-7d");
    assertThat(versions.exit()).as(versions.all()).isZero();
    assertThat(versions.out()).containsPattern("v1 +production");

    CliRun.Run show = cli("models", "show", "purchase-7d");
    assertThat(show.exit()).as(show.all()).isZero();
    assertThat(show.out())
        .contains("purchase-7d version 1 (production)")
        .contains("test evaluation")
        .containsPattern("lightgbm +ROC-AUC")
        .containsPattern("baseline +ROC-AUC")
        .contains("confidence intervals: 1000 bootstrap resamples of")
        .containsPattern("lightgbm +ROC-AUC 0\\.\\d{3} \\[0\\.\\d{3}, [01]\\.\\d{3}\\]")
        .containsPattern("model − baseline +ROC-AUC [+−]\\d\\.\\d{3} \\[")
        .contains("verdict: ")
        .contains("confusion matrix at")
        .contains("actual yes")
        .contains("predicted no")
        .contains("lift by decile")
        .contains("parameters")
        .contains("num_leaves")
        .contains("lineage")
        .contains("feature-service training set, target purchase, horizon 7d")
        .contains("schema      " + FeatureCatalog.schema().size() + " features")
        .contains("top features (mean |SHAP|");

    // aliases on the CSV model, so that the served purchase model stays as it is
    cli(
        "train",
        "--csv",
        writeTinyCsv().toString(),
        "--label",
        "y",
        "--model",
        "alias-demo",
        "--trials",
        "0",
        "--no-baseline");
    cli(
        "train",
        "--csv",
        writeTinyCsv().toString(),
        "--label",
        "y",
        "--model",
        "alias-demo",
        "--trials",
        "0",
        "--no-baseline");
    CliRun.Run p1 = cli("models", "promote", "alias-demo", "1", "--alias", "staging");
    assertThat(p1.exit()).as(p1.all()).isZero();
    assertThat(p1.out()).contains("staging of alias-demo: unset -> v1");
    CliRun.Run p2 = cli("models", "promote", "alias-demo", "2", "--alias", "staging");
    assertThat(p2.out()).contains("staging of alias-demo: v1 -> v2");
    CliRun.Run back = cli("models", "rollback", "alias-demo", "--alias", "staging");
    assertThat(back.exit()).as(back.all()).isZero();
    assertThat(back.out()).contains("staging of alias-demo rolled back: v2 -> v1");

    CliRun.Run casMiss =
        cli("models", "promote", "alias-demo", "2", "--alias", "staging", "--expect", "2");
    assertThat(casMiss.exit()).isEqualTo(3);
    assertThat(casMiss.err()).startsWith("error: FAILED_PRECONDITION");
    CliRun.Run noSuchModel = cli("models", "show", "nope");
    assertThat(noSuchModel.exit()).isEqualTo(3);
    CliRun.Run noSubcommand = cli("models");
    assertThat(noSubcommand.exit()).isEqualTo(2);
  }

  private Path writeTinyCsv() {
    try {
      Path f = dir.resolve("tiny.csv");
      StringBuilder s = new StringBuilder("x,y\n");
      IntStream.range(0, 200)
          .forEach(i -> s.append(i % 17).append(',').append(i % 17 > 8 ^ i % 5 == 0).append('\n'));
      Files.writeString(f, s);
      return f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void predictByUserByInlineFeaturesByAFeatureFileAndByEvents() throws Exception {
    CliRun.Run byUser =
        cli(
            "predict",
            "--user",
            DemoDataGenerator.userId(1),
            "--user",
            "nobody-at-all",
            "--explain",
            "3");
    assertThat(byUser.exit()).as(byUser.all()).isZero();
    assertThat(byUser.out())
        .containsPattern(DemoDataGenerator.userId(1) + " +p=0\\.\\d{4} .*purchase-7d v1")
        .containsPattern("nobody-at-all +p=.*cold start");
    assertThat(byUser.out().lines().filter(l -> l.matches("\\s+[+-]\\d+\\.\\d{4} .*"))).hasSize(6);

    var schema = FeatureCatalog.schema();
    String f0 = schema.features().get(0).name();
    String f1 = schema.features().get(1).name();
    CliRun.Run inline = cli("predict", "--features", f0 + "=3," + f1 + "=1", "--explain", "2");
    assertThat(inline.exit()).as(inline.all()).isZero();
    assertThat(inline.out()).containsPattern("\\(inline\\) +p=0\\.\\d{4}");

    Path rows = dir.resolve("rows.csv");
    Files.writeString(rows, "user_id," + f0 + "," + f1 + ",label\nalice,1,0,TRUE\nbob,5,2,FALSE\n");
    CliRun.Run fromFile = cli("predict", "--features-file", rows.toString());
    assertThat(fromFile.exit()).as(fromFile.all()).isZero();
    assertThat(fromFile.out()).containsPattern("alice +p=").containsPattern("bob +p=");

    Path events = writeEvents("recent.csv", 3, 20);
    CliRun.Run fromEvents = cli("predict", "--events", events.toString());
    assertThat(fromEvents.exit()).as(fromEvents.all()).isZero();
    assertThat(fromEvents.out().lines().filter(l -> l.contains(" p="))).hasSize(3);
  }

  @Test
  void predictErrorsAreClearWithTheirExitCodes() {
    CliRun.Run noInput = cli("predict");
    assertThat(noInput.exit()).isEqualTo(2);
    assertThat(noInput.err()).contains("Missing required argument");
    CliRun.Run twoInputs = cli("predict", "--user", "u1", "--events", "x.csv");
    assertThat(twoInputs.exit()).isEqualTo(2);
    assertThat(twoInputs.err()).contains("mutually exclusive");
    CliRun.Run unknownFeature = cli("predict", "--features", "happiness=3");
    assertThat(unknownFeature.exit()).isEqualTo(2);
    assertThat(unknownFeature.err()).contains("no feature named 'happiness'");
    CliRun.Run unknownModel = cli("predict", "--user", "u1", "--model", "no-such-model");
    assertThat(unknownModel.exit()).isEqualTo(3);
    assertThat(unknownModel.err()).startsWith("error: NOT_FOUND");
    CliRun.Run down =
        CliRun.run(
            "predict",
            "--user",
            "u1",
            "--inference-service=127.0.0.1:" + ServiceProcess.freePort(),
            "--deadline=3s");
    assertThat(down.exit()).isEqualTo(4);
    assertThat(down.err()).startsWith("error: UNAVAILABLE").contains("is the service running?");
  }

  @Test
  void explainShowsTheBiasAndTheLargestContributions() {
    CliRun.Run r = cli("explain", "--user", DemoDataGenerator.userId(2), "--top", "5");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("bias")
        .contains("= logit")
        .contains("more features (--top 0 shows all)");
    List<Double> shown =
        r.out()
            .lines()
            .filter(l -> l.matches("\\s+[+-]\\d+\\.\\d{4} .*"))
            .map(l -> Math.abs(Double.parseDouble(l.strip().split("\\s+")[0])))
            .toList();
    assertThat(shown).hasSize(5).isSortedAccordingTo(Comparator.reverseOrder());
  }

  @Test
  void targetsStreamsARankedCsvAndASummary() throws Exception {
    Path ids = dir.resolve("ids.txt");
    Files.write(ids, IntStream.range(0, 120).mapToObj(DemoDataGenerator::userId).toList());
    Path out = dir.resolve("targets.csv");
    CliRun.Run r =
        cli(
            "targets",
            "--top",
            "10",
            "--users",
            ids.toString(),
            "--explain",
            "2",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("scored 120 candidates, selected 10")
        .contains("expected conversions")
        .contains("lift");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).isEqualTo("rank,user_id,probability,cold_start,top_factors");
    assertThat(lines).hasSize(11);
    List<Double> p =
        lines.subList(1, 11).stream().map(l -> Double.parseDouble(l.split(",")[2])).toList();
    assertThat(p).isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(lines.get(1)).startsWith("1,");

    CliRun.Run noLimit = cli("targets", "--out", out.toString());
    assertThat(noLimit.exit()).isEqualTo(2);
    assertThat(noLimit.err()).contains("--top N, --min-probability P");
  }

  @Test
  void replayStreamsEventsAtTheGivenSpeedPrintsPredictionsAndCanIngest() throws Exception {
    Path log = writeEvents("live.csv", 2, 6);
    long t0 = System.nanoTime();
    CliRun.Run r = cli("replay", log.toString(), "--speed", "max", "--ingest");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out().lines().filter(l -> l.contains(" p="))).hasSize(12);
    assertThat(r.out())
        .contains("12 predictions, 0 events rejected")
        .contains("feature-service: 12 accepted");

    // five 1-second gaps at 5x take at least one second
    Path spaced = dir.resolve("spaced.csv");
    Instant start = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
    try (Writer w = Files.newBufferedWriter(spaced);
        GenericCsvWriter csv = new GenericCsvWriter(w)) {
      for (int i = 0; i < 6; i++) {
        csv.write(
            Event.builder(
                    "spaced-" + i,
                    "walker",
                    start.plusSeconds(i),
                    io.propensity.engine.event.EventType.PAGE_VIEW)
                .build());
      }
    }
    long before = System.nanoTime();
    CliRun.Run timed = cli("replay", spaced.toString(), "--speed", "5x");
    long millis = (System.nanoTime() - before) / 1_000_000;
    assertThat(timed.exit()).as(timed.all()).isZero();
    assertThat(timed.out().lines().filter(l -> l.contains(" p="))).hasSize(6);
    assertThat(millis).isGreaterThanOrEqualTo(950);

    CliRun.Run badSpeed = cli("replay", log.toString(), "--speed", "fast");
    assertThat(badSpeed.exit()).isEqualTo(2);
    assertThat(badSpeed.err()).contains("--speed fast");
    CliRun.Run missing = cli("replay", dir.resolve("missing.csv").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read");
  }

  @Test
  void benchComparesPredictWithAnEmptyRpc() {
    CliRun.Run r = cli("bench", "--requests", "100", "--warmup", "20");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .containsPattern("Predict +\\d+ +\\d+ +\\d+")
        .containsPattern("Health/Check +\\d+")
        .containsPattern("ratio +\\d+\\.\\d\\d");
    CliRun.Run tooMany = cli("bench", "--requests", "1000000");
    assertThat(tooMany.exit()).isEqualTo(2);
  }

  @Test
  void targetsWithACampaignHoldsOutAStratifiedControlGroupAndRecordsIt() throws Exception {
    Path ids = dir.resolve("campaign-ids.txt");
    Files.write(ids, IntStream.range(0, 200).mapToObj(DemoDataGenerator::userId).toList());
    Path out = dir.resolve("campaign-targets.csv");
    CliRun.Run r =
        cli(
            "targets",
            "--top",
            "100",
            "--users",
            ids.toString(),
            "--out",
            out.toString(),
            "--campaign",
            "cli-spring",
            "--control-fraction",
            "0.1",
            "--seed",
            "11",
            "--window",
            "7d",
            "--goal",
            "add-to-cart");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("campaign cli-spring recorded: 90 targeted (written), 10 control held out")
        .contains("seed 11")
        .contains("add-to-cart events from");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(91);

    CliRun.Run list = cli("campaigns");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out()).containsPattern("cli-spring +\\S+ v\\d+ +90 +10");
    CliRun.Run report = cli("campaigns", "report", "cli-spring");
    assertThat(report.exit()).as(report.all()).isZero();
    assertThat(report.out())
        .contains("campaign cli-spring")
        .contains("goal add_to_cart")
        .containsPattern("targeted +90 ")
        .containsPattern("control +10 ")
        .contains("uplift")
        .contains("95% CI");

    CliRun.Run again =
        cli("targets", "--top", "100", "--users", ids.toString(), "--campaign", "cli-spring");
    assertThat(again.exit()).isNotZero();
    assertThat(again.err()).contains("INVALID_ARGUMENT").contains("already recorded");
    CliRun.Run unknown = cli("campaigns", "report", "never-ran");
    assertThat(unknown.err()).startsWith("error: NOT_FOUND");
    CliRun.Run badFraction =
        cli("targets", "--top", "5", "--user", "u1", "--campaign", "x", "--control-fraction", "1");
    assertThat(badFraction.exit()).isEqualTo(2);
  }

  @Test
  void everyCommandHasHelp() {
    for (String c :
        List.of(
            "train",
            "jobs",
            "models",
            "predict",
            "explain",
            "targets",
            "campaigns",
            "replay",
            "bench",
            "demo",
            "up",
            "down",
            "status")) {
      CliRun.Run r = CliRun.run(c, "--help");
      assertThat(r.exit()).as(c).isZero();
      assertThat(r.out()).as(c).contains("Usage: propensity " + c);
    }
    CliRun.Run sub = CliRun.run("models", "show", "--help");
    assertThat(sub.out()).contains("confusion matrix");
  }

  /** The most recent events of the first demo users, with fresh ids, as a generic CSV. */
  private Path writeEvents(String name, int users, int perUser) throws Exception {
    Path f = dir.resolve(name);
    try (Writer w = Files.newBufferedWriter(f);
        GenericCsvWriter csv = new GenericCsvWriter(w)) {
      int written = 0;
      for (int u = 0; written < users && u < 400; u++) {
        List<Event> evs = DEMO.userEvents(u);
        if (evs.size() < perUser) {
          continue; // a shopper with too short a history in the window
        }
        written++;
        for (Event e : evs.subList(Math.max(0, evs.size() - perUser), evs.size())) {
          csv.write(e.toBuilder().eventId(name + "-" + e.eventId()).build());
        }
      }
    }
    return f;
  }
}
