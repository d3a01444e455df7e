package io.propensity.feature.kafka;

import io.propensity.common.error.UnavailableException;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.feature.ingest.IngestOutcome;
import io.propensity.feature.ingest.Ingestor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the events topic in batches and stores each batch through the {@link Ingestor} (the same
 * validation, deduplication and online-feature updates as gRPC ingest). A batch's offsets are
 * committed only once its events are durably stored and its bad records' dead letters are
 * acknowledged by Kafka; if either fails, nothing is committed, the consumer seeks back to the
 * batch's first offsets and the batch is tried again after a back-off. Redelivery after a crash is
 * harmless: the store drops events whose {@code event_id} it already holds.
 *
 * <p>Not thread-safe: {@link #run()} owns the consumer; {@link #stop()} may be called from any
 * thread and lets the in-flight batch finish.
 */
public final class KafkaIngestLoop implements Runnable {
  /** Header: contract name of the field that made the record a dead letter. */
  public static final String ERROR_FIELD = "propensity.error.field";

  /** Header: why, in words a user can act on. */
  public static final String ERROR_REASON = "propensity.error.reason";

  /** Header: every violation, one {@code field: reason} per line. */
  public static final String ERROR_VIOLATIONS = "propensity.error.violations";

  public static final String ORIGINAL_TOPIC = "propensity.original.topic";
  public static final String ORIGINAL_PARTITION = "propensity.original.partition";
  public static final String ORIGINAL_OFFSET = "propensity.original.offset";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestLoop.class);
  private static final long DEAD_LETTER_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Where and how to consume. */
  public record Settings(
      String topic,
      String deadLetterTopic,
      Duration pollTimeout,
      Duration retryBackoff,
      Duration maxRetryBackoff) {}

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final Ingestor ingestor;
  private final KafkaRecordDecoder decoder;
  private final KafkaIngestMetrics metrics;
  private final Settings settings;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  /** Offsets of batches stored (and dead-lettered) but not yet committed. */
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();

  private long deadLettersSinceLog;
  private long lastDeadLetterLog = System.nanoTime() - DEAD_LETTER_LOG_INTERVAL_NANOS;

  public KafkaIngestLoop(
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      Ingestor ingestor,
      KafkaRecordDecoder decoder,
      KafkaIngestMetrics metrics,
      Settings settings) {
    this.consumer = consumer;
    this.producer = producer;
    this.ingestor = ingestor;
    this.decoder = decoder;
    this.metrics = metrics;
    this.settings = settings;
  }

  /** Asks the loop to stop after the batch in flight; returns at once. */
  public void stop() {
    stopRequested.countDown();
  }

  /** Waits until {@link #run()} has returned (the consumer is closed). */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private boolean running() {
    return stopRequested.getCount() > 0;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      Duration backoff = settings.retryBackoff();
      while (running()) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(settings.pollTimeout());
        } catch (RuntimeException e) {
          // broker unreachable, authentication refused…: keep trying, never give up silently
          LOG.warn("kafka poll failed, retrying in {}: {}", backoff, e.toString());
          backoff = pause(backoff);
          continue;
        }
        updateLag();
        if (records.isEmpty()) {
          continue;
        }
        if (process(records)) {
          backoff = settings.retryBackoff();
        } else {
          backoff = pause(backoff);
        }
      }
      commitUncommitted(List.copyOf(uncommitted.keySet()), "stop");
    } catch (RuntimeException e) {
      LOG.error("kafka ingestion stopped by an unexpected error", e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.warn("kafka consumer did not close cleanly: {}", e.toString());
      }
      finished.countDown();
    }
  }

  /** Waits {@code backoff} (less if stopped) and returns the next, doubled, back-off. */
  private Duration pause(Duration backoff) {
    try {
      stopRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
    }
    Duration next = backoff.multipliedBy(2);
    return next.compareTo(settings.maxRetryBackoff()) > 0 ? settings.maxRetryBackoff() : next;
  }

  /**
   * Stores one batch, dead-letters its bad records and commits its offsets; on failure seeks back
   * to the batch's first offsets so it is consumed again. Returns whether the batch went through.
   */
  boolean process(ConsumerRecords<byte[], byte[]> records) {
    long start = System.nanoTime();
    List<ConsumerRecord<byte[], byte[]>> eventRecords = new ArrayList<>(records.count());
    List<ReceivedEvent> events = new ArrayList<>(records.count());
    List<DeadLetter> dead = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      KafkaRecordDecoder.Decoded d;
      try {
        d = decoder.decode(r.key(), r.value());
      } catch (RuntimeException e) {
        // a record the mapping cannot handle must not stop the partition: it is a dead letter
        d =
            new KafkaRecordDecoder.Decoded.Rejected(
                List.of(new FieldViolation("value", "could not be read: " + e)));
      }
      if (d instanceof KafkaRecordDecoder.Decoded.Event e) {
        eventRecords.add(r);
        events.add(e.event());
      } else if (d instanceof KafkaRecordDecoder.Decoded.Rejected rej) {
        dead.add(new DeadLetter(r, rej.violations()));
      }
    }
    int stored = 0;
    int duplicates = 0;
    try {
      int chunk = ingestor.maxEventsPerRequest();
      for (int from = 0; from < events.size(); from += chunk) {
        int to = Math.min(events.size(), from + chunk);
        IngestOutcome outcome = ingestor.ingestStreamBatch(events.subList(from, to));
        stored += outcome.accepted();
        duplicates += outcome.duplicates();
        for (IngestOutcome.Rejection rej : outcome.rejected()) {
          dead.add(new DeadLetter(eventRecords.get(from + rej.index()), rej.violations()));
        }
        for (IngestOutcome.Conflict c : outcome.conflicts()) {
          dead.add(
              new DeadLetter(
                  eventRecords.get(from + c.index()),
                  List.of(
                      new FieldViolation(
                          "event_id",
                          "'"
                              + c.eventId()
                              + "' is already stored with other content (differs in: "
                              + String.join(", ", c.fields())
                              + ")"))));
        }
      }
      sendDeadLetters(dead);
    } catch (UnavailableException e) {
      retryLater(records, "store unavailable: " + e.getMessage(), null);
      return false;
    } catch (DeadLetterFailure e) {
      retryLater(records, "dead-letter topic unavailable: " + e.getMessage(), null);
      return false;
    } catch (RuntimeException e) {
      retryLater(records, "batch failed: " + e, e);
      return false;
    }
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
      uncommitted.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
    }
    commitUncommitted(List.copyOf(uncommitted.keySet()), "batch");
    metrics.batchCommitted(stored, duplicates, dead.size(), System.nanoTime() - start);
    return true;
  }

  private void retryLater(
      ConsumerRecords<byte[], byte[]> records, String why, RuntimeException cause) {
    Map<TopicPartition, Long> firsts = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      long first = records.records(tp).get(0).offset();
      consumer.seek(tp, first);
      firsts.put(tp, first);
    }
    metrics.batchRetried();
    if (cause == null) {
      LOG.warn(
          "kafka batch of {} records not committed, will retry from {}: {}",
          records.count(),
          firsts,
          why);
    } else {
      LOG.error(
          "kafka batch of {} records not committed, will retry from {}",
          records.count(),
          firsts,
          cause);
    }
  }

  private void sendDeadLetters(List<DeadLetter> dead) {
    if (dead.isEmpty()) {
      return;
    }
    List<Future<?>> acks = new ArrayList<>(dead.size());
    try {
      for (DeadLetter d : dead) {
        acks.add(producer.send(deadLetterRecord(d)));
      }
      producer.flush();
      for (Future<?> f : acks) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new DeadLetterFailure(String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadLetterFailure("interrupted");
    } catch (KafkaException e) {
      throw new DeadLetterFailure(e.toString());
    }
    logDeadLetters(dead);
  }

  private ProducerRecord<byte[], byte[]> deadLetterRecord(DeadLetter d) {
    ConsumerRecord<byte[], byte[]> r = d.record();
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(settings.deadLetterTopic(), null, r.key(), r.value());
    for (Header h : r.headers()) {
      out.headers().add(h);
    }
    FieldViolation first = d.violations().get(0);
    StringBuilder all = new StringBuilder();
    for (FieldViolation v : d.violations()) {
      all.append(all.length() == 0 ? "" : "\n").append(v);
    }
    out.headers()
        .add(ERROR_FIELD, utf8(first.field()))
        .add(ERROR_REASON, utf8(first.reason()))
        .add(ERROR_VIOLATIONS, utf8(all.toString()))
        .add(ORIGINAL_TOPIC, utf8(r.topic()))
        .add(ORIGINAL_PARTITION, utf8(Integer.toString(r.partition())))
        .add(ORIGINAL_OFFSET, utf8(Long.toString(r.offset())));
    return out;
  }

  private void logDeadLetters(List<DeadLetter> dead) {
    for (DeadLetter d : dead) {
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "dead letter {}-{}@{}: {}",
            d.record().topic(),
            d.record().partition(),
            d.record().offset(),
            d.violations());
      }
    }
    deadLettersSinceLog += dead.size();
    long now = System.nanoTime();
    if (now - lastDeadLetterLog >= DEAD_LETTER_LOG_INTERVAL_NANOS) {
      DeadLetter last = dead.get(dead.size() - 1);
      LOG.warn(
          "{} records sent to dead-letter topic {} since the last such line; latest {}-{}@{}: {}",
          deadLettersSinceLog,
          settings.deadLetterTopic(),
          last.record().topic(),
          last.record().partition(),
          last.record().offset(),
          last.violations().get(0));
      deadLettersSinceLog = 0;
      lastDeadLetterLog = now;
    }
  }

  /** Commits the stored offsets of {@code partitions}; a failure leaves them for the next try. */
  private void commitUncommitted(Collection<TopicPartition> partitions, String when) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = uncommitted.get(tp);
      if (o != null) {
        offsets.put(tp, o);
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
      offsets.keySet().forEach(uncommitted::remove);
      metrics.committedNow();
    } catch (CommitFailedException e) {
      // the group moved these partitions elsewhere: their new owner re-reads from the last commit,
      // and the store drops the events already stored as duplicates
      offsets.keySet().forEach(uncommitted::remove);
      LOG.warn("kafka offset commit ({}) refused, partitions moved: {}", when, e.getMessage());
    } catch (KafkaException e) {
      // the events are stored; the next commit carries these offsets too
      LOG.warn(
          "kafka offset commit ({}) failed, will commit with the next batch: {}",
          when,
          e.toString());
    }
  }

  private void updateLag() {
    for (TopicPartition tp : consumer.assignment()) {
      try {
        OptionalLong lag = consumer.currentLag(tp);
        if (lag.isPresent()) {
          metrics.lag(tp, lag.getAsLong());
        }
      } catch (RuntimeException e) {
        // lag is advisory; some consumers cannot tell it for a partition yet
      }
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private record DeadLetter(
      ConsumerRecord<byte[], byte[]> record, List<FieldViolation> violations) {}

  private static final class DeadLetterFailure extends RuntimeException {
    DeadLetterFailure(String message) {
      super(message);
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commitUncommitted(partitions, "revoke");
      partitions.forEach(uncommitted::remove);
      metrics.forget(partitions);
      LOG.info("kafka partitions revoked: {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("kafka partitions assigned: {} (now {})", partitions, consumer.assignment());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(uncommitted::remove);
      metrics.forget(partitions);
      LOG.warn(
          "kafka partitions lost (not committed; their new owner re-reads them): {}", partitions);
    }
  }
}
