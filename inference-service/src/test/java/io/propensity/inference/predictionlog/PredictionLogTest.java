package io.propensity.inference.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.common.error.InvalidInputException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PredictionLogTest {
  private final MeterRegistry meters = new SimpleMeterRegistry();

  static PredictionLogConfiguration config(
      double rate, double predictRate, int capacity, int batch, Duration flush) {
    return new PredictionLogConfiguration(
        true,
        "",
        "",
        "",
        rate,
        predictRate,
        -1,
        -1,
        0.0,
        100,
        capacity,
        batch,
        flush,
        Duration.ZERO);
  }

  static ServedPrediction record(int i) {
    return PredictionLogStoreContract.prediction(
        "r" + i,
        0,
        Instant.EPOCH,
        "u" + i,
        "m",
        1,
        PredictionLogStoreContract.ENGINE,
        new double[] {i, 0});
  }

  /** A store that keeps what it is given, optionally stalled until released. */
  static final class MemoryStore implements PredictionLogStore {
    final List<ServedPrediction> rows = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch release;
    final CountDownLatch entered = new CountDownLatch(1);
    volatile boolean fail;
    volatile boolean closed;

    MemoryStore(boolean stalled) {
      release = new CountDownLatch(stalled ? 1 : 0);
    }

    @Override
    public void append(List<ServedPrediction> batch) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (fail) {
        throw new IllegalStateException("disk full");
      }
      batches.add(batch.size());
      rows.addAll(batch);
    }

    @Override
    public PredictionPage list(PredictionQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long deleteServedBefore(Instant cutoff) {
      return 0;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private double dropped(String reason) {
    return meters.get("propensity.prediction.log.dropped").tag("reason", reason).counter().count();
  }

  private double written() {
    return meters.get("propensity.prediction.log.written").counter().count();
  }

  @Test
  void everyRecordIsWrittenInBatchesOfAtMostTheBatchSize() {
    MemoryStore store = new MemoryStore(false);
    try (PredictionLog log =
        new PredictionLog(
            config(1, -1, 1000, 50, Duration.ofMillis(50)), store, meters, Clock.systemUTC())) {
      for (int i = 0; i < 420; i++) {
        log.record(record(i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> store.rows.size() == 420);
      assertThat(store.batches).allSatisfy(n -> assertThat(n).isBetween(1, 50));
      assertThat(store.rows.stream().map(ServedPrediction::requestId).toList())
          .as("in the order offered")
          .startsWith("r0", "r1", "r2");
      assertThat(written()).isEqualTo(420);
      assertThat(dropped("queue_full")).isZero();
    }
    assertThat(store.closed).isTrue();
  }

  @Test
  void aStalledWriterDropsAndCountsWhatDoesNotFitNeverBlockingTheCaller() throws Exception {
    MemoryStore store = new MemoryStore(true);
    PredictionLog log =
        new PredictionLog(config(1, -1, 10, 5, Duration.ZERO), store, meters, Clock.systemUTC());
    log.record(record(0));
    assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds record 0

    long started = System.nanoTime();
    for (int i = 1; i <= 100; i++) {
      log.record(record(i));
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(tookMillis).as("offering never waits for the writer").isLessThan(1_000);
    assertThat(log.queued()).isEqualTo(10);
    assertThat(dropped("queue_full")).isEqualTo(90);
    assertThat(meters.get("propensity.prediction.log.queued").gauge().value()).isEqualTo(10);

    store.release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.rows.size() == 11);
    log.close();
    assertThat(written()).isEqualTo(11);
    assertThat(store.rows.stream().map(ServedPrediction::requestId).toList())
        .as("the first records queued are kept, later ones dropped")
        .containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10");
  }

  @Test
  void aBatchTheStoreRefusesIsCountedAsDropped() {
    MemoryStore store = new MemoryStore(false);
    store.fail = true;
    try (PredictionLog log =
        new PredictionLog(
            config(1, -1, 100, 10, Duration.ZERO), store, meters, Clock.systemUTC())) {
      for (int i = 0; i < 7; i++) {
        log.record(record(i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> dropped("write_failed") == 7);
      assertThat(written()).isZero();
    }
  }

  @Test
  void closingWritesWhatIsQueuedAndLaterRecordsAreCountedAsClosed() {
    MemoryStore store = new MemoryStore(false);
    PredictionLog log =
        new PredictionLog(
            config(1, -1, 1000, 100, Duration.ofSeconds(5)), store, meters, Clock.systemUTC());
    for (int i = 0; i < 30; i++) {
      log.record(record(i));
    }
    log.close();
    assertThat(store.rows).hasSize(30);
    log.record(record(99));
    assertThat(dropped("closed")).isEqualTo(1);
    assertThat(log.sampled(ServedEndpoint.PREDICT)).isFalse();
  }

  @Test
  void recordsOfferedWithinTheFlushIntervalAreWrittenTogetherWithoutAWakeUpPerRecord()
      throws Exception {
    MemoryStore store = new MemoryStore(false);
    try (PredictionLog log =
        new PredictionLog(
            config(1, -1, 1000, 500, Duration.ofMillis(300)), store, meters, Clock.systemUTC())) {
      long started = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        log.record(record(i));
        Thread.sleep(1); // spread over ~100+ ms: a writer woken per record would wake 100 times
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> store.rows.size() == 100);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(log.writerWakeUps())
          .as("about one wake-up per 300 ms flush interval in %d ms", tookMillis)
          .isLessThanOrEqualTo((int) (tookMillis / 300) + 3);
      assertThat(store.batches.size()).as("batches: %s", store.batches).isLessThanOrEqualTo(3);
      assertThat(store.rows.stream().map(ServedPrediction::requestId).toList())
          .as("in the order offered")
          .startsWith("r0", "r1", "r2")
          .endsWith("r99");
      assertThat(written()).isEqualTo(100);
    }
  }

  @Test
  void aFullBatchWakesTheWriterBeforeItsFlushInterval() {
    MemoryStore store = new MemoryStore(false);
    try (PredictionLog log =
        new PredictionLog(
            config(1, -1, 1000, 10, Duration.ofMinutes(10)), store, meters, Clock.systemUTC())) {
      for (int i = 0; i < 9; i++) {
        log.record(record(i));
      }
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> store.rows.isEmpty());
      log.record(record(9)); // the tenth: a full batch
      await().atMost(Duration.ofSeconds(10)).until(() -> store.rows.size() == 10);
      assertThat(store.batches).containsExactly(10);
    }
  }

  @Test
  void closingWritesWhatIsQueuedForASleepingWriter() {
    MemoryStore store = new MemoryStore(false);
    PredictionLog log =
        new PredictionLog(
            config(1, -1, 100, 50, Duration.ofMinutes(10)), store, meters, Clock.systemUTC());
    for (int i = 0; i < 8; i++) {
      log.record(record(i));
    }
    assertThat(log.queued()).isEqualTo(8);
    assertThat(store.rows).as("the writer sleeps for its 10 min flush interval").isEmpty();

    log.close();
    assertThat(store.rows.stream().map(ServedPrediction::requestId).toList())
        .containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
    assertThat(written()).isEqualTo(8);
    assertThat(dropped("closed")).isZero();
    assertThat(log.queued()).isZero();
  }

  @Test
  void samplingFollowsTheRateAndPerEndpointOverrides() {
    MemoryStore store = new MemoryStore(false);
    try (PredictionLog log =
        new PredictionLog(
            config(0.25, 1.0, 10, 10, Duration.ZERO), store, meters, Clock.systemUTC())) {
      int n = 20_000;
      int batch = 0;
      int predict = 0;
      int rank = 0;
      for (int i = 0; i < n; i++) {
        batch += log.sampled(ServedEndpoint.PREDICT_BATCH) ? 1 : 0;
        predict += log.sampled(ServedEndpoint.PREDICT) ? 1 : 0;
        rank += log.sampled(ServedEndpoint.RANK_TARGETS) ? 1 : 0;
      }
      // binomial(20000, 0.25): sd ≈ 61, so ±400 is more than 6 sd
      assertThat(batch).isBetween(n / 4 - 400, n / 4 + 400);
      assertThat(predict).as("predict-sample-rate 1 overrides 0.25").isEqualTo(n);
      assertThat(rank).as("rank-targets-sample-rate 0").isZero();
    }
  }

  @Test
  void requestIdsAreTheCallersWhenValidElseGenerated() {
    assertThat(PredictionRecorder.requestId("order-17/a", "request_id")).isEqualTo("order-17/a");
    String a = PredictionRecorder.requestId("", "request_id");
    String b = PredictionRecorder.requestId("", "request_id");
    assertThat(a).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(a).isNotEqualTo(b);
    assertThatThrownBy(() -> PredictionRecorder.requestId("x".repeat(129), "request_id"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 128");
    assertThatThrownBy(() -> PredictionRecorder.requestId("two words", "request_id"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("character 4");
  }

  @Test
  void aDisabledRecorderSamplesNothing() {
    PredictionRecorder off = new PredictionRecorder(Optional.empty());
    assertThat(off.sampled(ServedEndpoint.PREDICT)).isFalse();
    assertThat(off.rankTargetsMaxRows()).isZero();
  }
}
