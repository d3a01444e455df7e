package io.propensity.inference.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.predictionlog.PredictionLog;
import io.propensity.inference.predictionlog.PredictionLogConfiguration;
import io.propensity.inference.predictionlog.PredictionQuery;
import io.propensity.inference.predictionlog.PredictionRecorder;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import io.propensity.inference.scoring.Prediction;
import io.propensity.inference.serving.ArtifactFormat;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeScoringModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shadow scorer's queue: full means dropped and counted, never a blocked caller. */
class ShadowScorerTest {
  static final int N = FeatureCatalog.schema().size();
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  final MeterRegistry meters = new SimpleMeterRegistry();
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch entered = new CountDownLatch(1);
  PredictionRecorder recorder;
  ShadowScorer shadow;

  static ModelDescriptor descriptor(long version, String schemaHash) {
    return descriptor("m", version, schemaHash);
  }

  static ModelDescriptor descriptor(String name, long version, String schemaHash) {
    return new ModelDescriptor(
        name,
        version,
        schemaHash,
        List.of(),
        Optional.empty(),
        0.5,
        ArtifactFormat.LIGHTGBM_TEXT,
        "sha",
        1,
        List.of(),
        Optional.empty());
  }

  /** A shadow model whose first score waits until the test lets it go. */
  final class BlockingModel extends FakeScoringModel {
    BlockingModel() {
      super(N);
    }

    @Override
    public double predictProbability(double[] row) {
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 1 - super.predictProbability(row);
    }
  }

  void start(int capacity, String shadowSchemaHash) throws Exception {
    PredictionLog log = memoryLog();
    recorder = new PredictionRecorder(Optional.of(log));
    ServedModels shadows = new ServedModels("m");
    shadows.swapIn(
        new ServedModel(
            descriptor(2, shadowSchemaHash),
            new BlockingModel(),
            FeatureCatalog.schema(),
            "challenger",
            "sha",
            NOW));
    shadow =
        new ShadowScorer(
            new ShadowConfiguration(true, List.of("challenger"), 1.0, capacity, 1),
            Map.of("challenger", shadows),
            recorder,
            meters);
  }

  @AfterEach
  void close() {
    release.countDown();
    if (shadow != null) {
      shadow.close();
    }
    if (recorder != null) {
      recorder.close();
    }
  }

  static final ServedModel PRODUCTION =
      new ServedModel(
          descriptor(1, FeatureCatalog.schema().versionHash()),
          new FakeScoringModel(N),
          FeatureCatalog.schema(),
          "production",
          "sha",
          NOW);

  static Prediction served(double value) {
    return served(PRODUCTION, value);
  }

  static Prediction served(ServedModel production, double value) {
    double[] row = new double[N];
    row[0] = value;
    return new Prediction(
        Optional.of("u"),
        value,
        value >= 0.5,
        0.5,
        production.name(),
        production.version(),
        false,
        List.of(),
        Optional.empty(),
        new Prediction.ServedBy(production, row));
  }

  static ServedModel model(String name, long version, String alias, FakeScoringModel scorer) {
    return new ServedModel(
        descriptor(name, version, FeatureCatalog.schema().versionHash()),
        scorer,
        FeatureCatalog.schema(),
        alias,
        "sha",
        NOW);
  }

  /** Scores 1 − row[0], so that a shadow's answers differ from production's. */
  static final class Inverted extends FakeScoringModel {
    Inverted() {
      super(N);
    }

    @Override
    public double predictProbability(double[] row) {
      return 1 - super.predictProbability(row);
    }
  }

  PredictionLog memoryLog() throws Exception {
    Path dir = Files.createTempDirectory("shadow-unit");
    return new PredictionLog(
        new PredictionLogConfiguration(
            true,
            "",
            "",
            "",
            1.0,
            -1,
            -1,
            -1,
            -1,
            0,
            1000,
            100,
            Duration.ofMillis(10),
            Duration.ZERO),
        JdbcPredictionLogStore.open("jdbc:sqlite:" + dir.resolve("p.db"), "", ""),
        meters,
        Clock.systemUTC());
  }

  double dropped(String reason) {
    return meters.get("propensity.shadow.dropped").tag("reason", reason).counter().count();
  }

  List<ServedPrediction> logged() {
    return recorder.log().orElseThrow().store().list(PredictionQuery.all(1000)).predictions();
  }

  @Test
  void shadowAliasesAreNamedOnceEachAndNeverEmpty() {
    assertThatThrownBy(() -> new ShadowConfiguration(true, List.of(), 1.0, 10, 1))
        .hasMessageContaining("at least one alias");
    assertThatThrownBy(() -> new ShadowConfiguration(true, List.of("challenger", " "), 1.0, 10, 1))
        .hasMessageContaining("none empty");
    assertThatThrownBy(
            () ->
                new ShadowConfiguration(
                    true, List.of("challenger", "previous", "challenger"), 1.0, 10, 1))
        .hasMessageContaining("names an alias twice");
    assertThat(
            new ShadowConfiguration(true, List.of("challenger", "previous"), 1.0, 10, 1).aliases())
        .containsExactly("challenger", "previous");
  }

  @Test
  void aFullQueueDropsAndCountsWithoutBlockingTheCaller() throws Exception {
    start(2, FeatureCatalog.schema().versionHash());
    shadow.predicted("busy", served(0.1));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue(); // the one thread is now held
    shadow.predicted("queued-1", served(0.2));
    shadow.predicted("queued-2", served(0.3));
    long started = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      shadow.predicted("dropped-" + i, served(0.4));
    }
    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(1));
    assertThat(dropped("queue_full")).isEqualTo(5);

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> logged().size() == 3);
    assertThat(logged())
        .extracting(ServedPrediction::requestId)
        .containsExactlyInAnyOrder("busy", "queued-1", "queued-2");
    assertThat(logged())
        .allSatisfy(
            p -> {
              assertThat(p.modelAlias()).isEqualTo("challenger");
              assertThat(p.modelVersion()).isEqualTo(2);
              assertThat(p.rowIndex()).isZero();
            });
    assertThat(logged().stream().filter(p -> p.requestId().equals("queued-2")).findFirst())
        .get()
        .extracting(ServedPrediction::probability)
        .isEqualTo(0.7);
    assertThat(meters.get("propensity.shadow.scored").counter().count()).isEqualTo(3);
  }

  @Test
  void aShadowOfAnotherSchemaIsNotScoredButCounted() throws Exception {
    start(10, "another-schema");
    release.countDown();
    shadow.predicted("r", served(0.1));
    await().atMost(Duration.ofSeconds(10)).until(() -> dropped("schema_mismatch") == 1);
    assertThat(logged()).isEmpty();
  }

  @Test
  void aDrainedBatchOfMixedModelsIsScoredByEveryAliasHoldingTheModelWithoutAWakeUpPerRequest()
      throws Exception {
    recorder = new PredictionRecorder(Optional.of(memoryLog()));
    ServedModels challenger = new ServedModels("m");
    challenger.swapIn(model("m", 2, "challenger", new Inverted()));
    challenger.swapIn(model("m2", 7, "challenger", new Inverted()));
    ServedModels previous = new ServedModels("m");
    previous.swapIn(model("m", 3, "previous", new FakeScoringModel(N)));
    Map<String, ServedModels> aliases = new java.util.LinkedHashMap<>();
    aliases.put("challenger", challenger);
    aliases.put("previous", previous);
    shadow =
        new ShadowScorer(
            new ShadowConfiguration(true, List.of("challenger", "previous"), 1.0, 1000, 1),
            aliases,
            recorder,
            meters,
            Duration.ofMillis(400));
    ServedModel productionM2 = model("m2", 6, "production", new FakeScoringModel(N));
    long started = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      String id = "r" + i;
      if (i % 2 == 0) {
        shadow.predicted(id, served(0.1 + i / 100.0));
      } else {
        shadow.predicted(id, served(productionM2, 0.1 + i / 100.0));
      }
      Thread.sleep(1);
    }
    // each m request: challenger and previous; each m2 request: challenger only
    await().atMost(Duration.ofSeconds(10)).until(() -> logged().size() == 20 * 2 + 20);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(shadow.wakeUps())
        .as("about one wake-up per 400 ms drain interval in %d ms", tookMillis)
        .isLessThanOrEqualTo((int) (tookMillis / 400) + 3);
    assertThat(meters.get("propensity.shadow.scored").counter().count()).isEqualTo(60);
    assertThat(logged())
        .filteredOn(p -> p.modelName().equals("m2"))
        .hasSize(20)
        .allSatisfy(
            p -> {
              assertThat(p.modelAlias()).isEqualTo("challenger");
              assertThat(p.modelVersion()).isEqualTo(7);
            });
    assertThat(logged())
        .filteredOn(p -> p.modelName().equals("m"))
        .extracting(ServedPrediction::modelAlias)
        .containsOnly("challenger", "previous")
        .hasSize(40);
    ServedPrediction r4Challenger =
        logged().stream()
            .filter(p -> p.requestId().equals("r4") && p.modelAlias().equals("challenger"))
            .findFirst()
            .orElseThrow();
    assertThat(r4Challenger.probability())
        .isCloseTo(1 - 0.14, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r4Challenger.modelVersion()).isEqualTo(2);
    ServedPrediction r4Previous =
        logged().stream()
            .filter(p -> p.requestId().equals("r4") && p.modelAlias().equals("previous"))
            .findFirst()
            .orElseThrow();
    assertThat(r4Previous.probability()).isCloseTo(0.14, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r4Previous.modelVersion()).isEqualTo(3);
    assertThat(shadow.queued()).isZero();
  }

  @Test
  void anAliasNamingTheAnsweringVersionIsSkippedAndCountedWhileAnotherAliasStillScores()
      throws Exception {
    recorder = new PredictionRecorder(Optional.of(memoryLog()));
    // after a promotion: challenger still names version 1, which now answers as production
    ServedModels challenger = new ServedModels("m");
    challenger.swapIn(model("m", 1, "challenger", new Inverted()));
    ServedModels previous = new ServedModels("m");
    previous.swapIn(model("m", 0, "previous", new Inverted()));
    Map<String, ServedModels> both = new java.util.LinkedHashMap<>();
    both.put("challenger", challenger);
    both.put("previous", previous);
    shadow =
        new ShadowScorer(
            new ShadowConfiguration(true, List.of("challenger", "previous"), 1.0, 1000, 1),
            both,
            recorder,
            meters,
            Duration.ofMillis(5));
    shadow.predicted("r1", served(0.2));
    await().atMost(Duration.ofSeconds(10)).until(() -> logged().size() == 1);
    assertThat(logged().get(0).modelAlias()).isEqualTo("previous");
    assertThat(logged().get(0).modelVersion()).isZero();
    assertThat(
            meters.get("propensity.shadow.skipped").tag("reason", "same_version").counter().count())
        .isEqualTo(1);

    // with only the same-version alias, the request is not even queued
    ShadowScorer onlySame =
        new ShadowScorer(
            new ShadowConfiguration(true, List.of("challenger"), 1.0, 1000, 1),
            Map.of("challenger", challenger),
            recorder,
            meters,
            Duration.ofMillis(5));
    try {
      onlySame.predicted("r2", served(0.3));
      onlySame.predicted("r3", served(0.4));
      assertThat(onlySame.queued()).isZero();
      assertThat(
              meters
                  .get("propensity.shadow.skipped")
                  .tag("reason", "same_version")
                  .counter()
                  .count())
          .isEqualTo(3);
    } finally {
      onlySame.close();
    }
    Thread.sleep(50);
    assertThat(logged()).hasSize(1);
    assertThat(meters.get("propensity.shadow.scored").counter().count()).isEqualTo(1);
  }

  /** A scorer on a fresh log whose one alias, challenger, serves version 2 of m (inverted). */
  ShadowScorer challengerOnly(Duration drainInterval) throws Exception {
    recorder = new PredictionRecorder(Optional.of(memoryLog()));
    ServedModels challenger = new ServedModels("m");
    challenger.swapIn(model("m", 2, "challenger", new Inverted()));
    return new ShadowScorer(
        new ShadowConfiguration(true, List.of("challenger"), 1.0, 1000, 1),
        Map.of("challenger", challenger),
        recorder,
        meters,
        drainInterval);
  }

  @Test
  void anIdleShadowThreadSleepsUntilTheNextRequest() throws Exception {
    shadow = challengerOnly(Duration.ofMillis(5));
    shadow.predicted("first", served(0.2));
    await().atMost(Duration.ofSeconds(10)).until(() -> logged().size() == 1);
    Thread.sleep(100); // the drain after "first" finds nothing: the thread goes idle
    int before = shadow.wakeUps();
    Thread.sleep(500);
    assertThat(shadow.wakeUps() - before)
        .as("wake-ups while idle (a 5 ms timer would make ~100)")
        .isLessThanOrEqualTo(2);

    shadow.predicted("second", served(0.3));
    await().atMost(Duration.ofSeconds(10)).until(() -> logged().size() == 2);
    assertThat(logged()).extracting(ServedPrediction::requestId).contains("second");
  }

  @Test
  void closingScoresWhatIsQueuedForASleepingShadowThread() throws Exception {
    shadow = challengerOnly(Duration.ofMinutes(10));
    for (int i = 0; i < 5; i++) {
      shadow.predicted("r" + i, served(0.2));
    }
    assertThat(shadow.queued()).as("the shadow thread sleeps for 10 min").isEqualTo(5);
    shadow.close();
    shadow = null;
    recorder.close(); // the log writes what the shadow handed over
    PredictionLog log = recorder.log().orElseThrow();
    recorder = null;
    assertThat(meters.get("propensity.shadow.scored").counter().count()).isEqualTo(5);
    assertThat(meters.get("propensity.shadow.dropped").tag("reason", "closed").counter().count())
        .isZero();
    assertThat(meters.get("propensity.prediction.log.written").counter().count()).isEqualTo(5);
    assertThat(log.queued()).isZero();
  }
}
