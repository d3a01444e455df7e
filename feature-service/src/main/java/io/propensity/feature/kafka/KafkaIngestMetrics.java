package io.propensity.feature.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

/**
 * Prometheus figures of the Kafka ingestion: records by outcome, batches, batch latency, lag per
 * partition and the time of the last offset commit.
 */
public final class KafkaIngestMetrics {
  static final String RECORDS = "propensity.ingest.kafka.records";
  static final String BATCHES = "propensity.ingest.kafka.batches";
  static final String BATCH_LATENCY = "propensity.ingest.kafka.batch.latency";
  static final String LAG = "propensity.ingest.kafka.consumer.lag";
  static final String LAST_COMMIT = "propensity.ingest.kafka.last.commit.timestamp";

  private final MeterRegistry registry;
  private final Clock clock;
  private final Counter stored;
  private final Counter duplicate;
  private final Counter deadLetter;
  private final Counter committed;
  private final Counter retried;
  private final Timer latency;
  private final AtomicLong lastCommitMillis = new AtomicLong();
  private final Map<TopicPartition, AtomicLong> lags = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Gauge> lagGauges = new ConcurrentHashMap<>();

  public KafkaIngestMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    stored = records(registry, "stored");
    duplicate = records(registry, "duplicate");
    deadLetter = records(registry, "dead_letter");
    committed = batches(registry, "committed");
    retried = batches(registry, "retried");
    latency =
        Timer.builder(BATCH_LATENCY)
            .description("Time from a batch's poll to its offset commit")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    Gauge.builder(LAST_COMMIT, lastCommitMillis, v -> v.get() / 1000.0)
        .baseUnit("seconds")
        .description("Unix time of the last offset commit (0: none yet)")
        .register(registry);
  }

  private static Counter records(MeterRegistry registry, String outcome) {
    return Counter.builder(RECORDS)
        .tag("outcome", outcome)
        .description(
            "Topic records by outcome: stored, duplicate (event_id already stored), dead_letter")
        .register(registry);
  }

  private static Counter batches(MeterRegistry registry, String result) {
    return Counter.builder(BATCHES)
        .tag("result", result)
        .description("Batches committed, or retried because the store or dead-letter topic failed")
        .register(registry);
  }

  void batchCommitted(int storedCount, int duplicates, int deadLetters, long nanos) {
    stored.increment(storedCount);
    duplicate.increment(duplicates);
    deadLetter.increment(deadLetters);
    committed.increment();
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void batchRetried() {
    retried.increment();
  }

  void committedNow() {
    lastCommitMillis.set(clock.millis());
  }

  void lag(TopicPartition tp, long lag) {
    lags.computeIfAbsent(
            tp,
            p -> {
              AtomicLong v = new AtomicLong();
              lagGauges.put(
                  p,
                  Gauge.builder(LAG, v, AtomicLong::get)
                      .tag("topic", p.topic())
                      .tag("partition", Integer.toString(p.partition()))
                      .description("Records on the partition not yet consumed by this replica")
                      .register(registry));
              return v;
            })
        .set(lag);
  }

  void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      lags.remove(tp);
      Gauge g = lagGauges.remove(tp);
      if (g != null) {
        registry.remove(g);
      }
    }
  }
}
