package io.propensity.inference.predictionlog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.propensity.common.error.InvalidInputException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served-prediction log: answers are offered to a bounded queue on the request path (never
 * blocking it) and written in batches by one writer thread. A record that finds the queue full, or
 * whose batch the store refuses, is dropped and counted ({@code
 * propensity_prediction_log_dropped_total{reason}}), with at most one WARN line per 10 s — the log
 * is lossy by design, as Feast's is, but never silently so.
 */
public final class PredictionLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PredictionLog.class);
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Duration RETENTION_CHECK = Duration.ofHours(1);

  /** Why a record was dropped (the {@code reason} tag). */
  public enum DropReason {
    QUEUE_FULL("queue_full"),
    WRITE_FAILED("write_failed"),
    CLOSED("closed");

    final String tag;

    DropReason(String tag) {
      this.tag = tag;
    }
  }

  private final PredictionLogConfiguration config;
  private final PredictionLogStore store;
  private final Clock clock;
  private final ArrayBlockingQueue<ServedPrediction> queue;
  private final Counter written;
  private final Counter[] dropped = new Counter[DropReason.values().length];
  private final Timer writeLatency;
  private final Thread writer;
  private final AtomicLong droppedSinceWarn = new AtomicLong();
  private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private volatile boolean closing;

  /** A log writing to {@code store}; {@code store} is closed with it. */
  public PredictionLog(
      PredictionLogConfiguration config,
      PredictionLogStore store,
      MeterRegistry meters,
      Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.written =
        Counter.builder("propensity.prediction.log.written")
            .description("Served predictions written to the prediction log")
            .register(meters);
    for (DropReason r : DropReason.values()) {
      dropped[r.ordinal()] =
          Counter.builder("propensity.prediction.log.dropped")
              .description(
                  "Served predictions sampled for the prediction log but not written, by reason")
              .tag("reason", r.tag)
              .register(meters);
    }
    Gauge.builder("propensity.prediction.log.queued", queue, ArrayBlockingQueue::size)
        .description("Served predictions waiting for the prediction log's writer")
        .register(meters);
    Gauge.builder("propensity.prediction.log.queue.capacity", queue, q -> config.queueCapacity())
        .description("Capacity of the prediction log's queue")
        .register(meters);
    this.writeLatency =
        Timer.builder("propensity.prediction.log.write")
            .description("Time to write one batch of the prediction log")
            .publishPercentiles(0.5, 0.99)
            .register(meters);
    this.writer = new Thread(this::run, "prediction-log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * The id a request is recorded under: the caller's, checked, or a new UUID.
   *
   * @throws InvalidInputException when the caller's id is longer than 128 characters or not
   *     printable ASCII
   */
  public static String requestId(String given, String field) {
    if (given.isEmpty()) {
      return UUID.randomUUID().toString();
    }
    if (given.length() > 128) {
      throw InvalidInputException.of(
          field, given.length() + " characters, at most 128 are allowed");
    }
    for (int i = 0; i < given.length(); i++) {
      char c = given.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw InvalidInputException.of(
            field, "character " + (i + 1) + " is not printable ASCII (space and controls neither)");
      }
    }
    return given;
  }

  /** Whether a request of this endpoint is recorded (decided once per request). */
  public boolean sampled(ServedEndpoint endpoint) {
    if (closing) {
      return false;
    }
    double rate = config.sampleRate(endpoint);
    return rate >= 1 || (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate);
  }

  /** Most ranked targets recorded per ranking. */
  public int rankTargetsMaxRows() {
    return config.rankTargetsMaxRows();
  }

  /** The clock records are stamped with. */
  public Instant now() {
    return clock.instant();
  }

  /** Queues one record for writing; when the queue is full it is dropped and counted. */
  public void record(ServedPrediction p) {
    if (closing) {
      drop(DropReason.CLOSED, 1);
    } else if (!queue.offer(p)) {
      drop(DropReason.QUEUE_FULL, 1);
    }
  }

  /** Queues records, each as {@link #record}. */
  public void recordAll(List<ServedPrediction> ps) {
    for (ServedPrediction p : ps) {
      record(p);
    }
  }

  /** The store records go to, for reading. */
  public PredictionLogStore store() {
    return store;
  }

  /** Records waiting for the writer. */
  public int queued() {
    return queue.size();
  }

  private void drop(DropReason reason, int n) {
    dropped[reason.ordinal()].increment(n);
    droppedSinceWarn.addAndGet(n);
    long now = System.nanoTime();
    long last = lastWarn.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarn.compareAndSet(last, now)) {
      LOG.warn(
          "prediction log dropped {} served predictions in the last 10 s (latest reason: {}; queue"
              + " {}/{}); see propensity_prediction_log_dropped_total",
          droppedSinceWarn.getAndSet(0),
          reason.tag,
          queue.size(),
          config.queueCapacity());
    }
  }

  private void run() {
    List<ServedPrediction> batch = new ArrayList<>(config.batchSize());
    long flushNanos = Math.max(0, config.flushInterval().toNanos());
    Instant nextRetention = clock.instant();
    while (true) {
      try {
        ServedPrediction first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          if (closing) {
            return;
          }
        } else {
          batch.add(first);
          long deadline = System.nanoTime() + flushNanos;
          while (batch.size() < config.batchSize()) {
            queue.drainTo(batch, config.batchSize() - batch.size());
            long left = deadline - System.nanoTime();
            if (batch.size() >= config.batchSize() || left <= 0 || closing) {
              break;
            }
            ServedPrediction next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next != null) {
              batch.add(next);
            }
          }
          write(batch);
          batch.clear();
        }
        if (!config.retention().isZero() && !clock.instant().isBefore(nextRetention)) {
          nextRetention = clock.instant().plus(RETENTION_CHECK);
          expire();
        }
      } catch (InterruptedException e) {
        write(batch);
        return;
      }
    }
  }

  private void write(List<ServedPrediction> batch) {
    if (batch.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    try {
      store.append(batch);
      written.increment(batch.size());
    } catch (RuntimeException e) {
      LOG.warn("prediction log could not write {} records: {}", batch.size(), e.toString());
      drop(DropReason.WRITE_FAILED, batch.size());
    } finally {
      writeLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  private void expire() {
    try {
      long n = store.deleteServedBefore(clock.instant().minus(config.retention()));
      if (n > 0) {
        LOG.info("prediction log deleted {} records older than {}", n, config.retention());
      }
    } catch (RuntimeException e) {
      LOG.warn("prediction log retention failed: {}", e.toString());
    }
  }

  /** Writes what is queued (waiting up to 10 s), then closes the store. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      writer.interrupt();
      int left = queue.size();
      if (left > 0) {
        drop(DropReason.CLOSED, left);
      }
    }
    store.close();
  }
}
