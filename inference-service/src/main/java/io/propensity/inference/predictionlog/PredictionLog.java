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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served-prediction log: answers are offered to a bounded queue on the request path (never
 * blocking it) and written in batches by one writer thread. A record that finds the queue full, or
 * whose batch the store refuses, is dropped and counted ({@code
 * propensity_prediction_log_dropped_total{reason}}), with at most one WARN line per 10 s — the log
 * is lossy by design, as Feast's is, but never silently so.
 *
 * <p>Offering is lock-free (one bounded counter and a non-blocking queue) and wakes nobody: the
 * writer sleeps for the flush interval and then drains what has arrived, so a busy service pays one
 * writer wake-up per flush interval instead of one per record. Only a queue reaching a full batch
 * ({@code batch-size} records) wakes the writer early; with a flush interval of 0 the first record
 * offered to an empty queue does.
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
  private final ConcurrentLinkedQueue<ServedPrediction> queue = new ConcurrentLinkedQueue<>();

  /** Records offered and not yet taken by the writer: the queue's bound, kept without a lock. */
  private final AtomicInteger size = new AtomicInteger();

  /** The queued count whose reaching wakes the writer before its flush interval is over. */
  private final int wakeAt;

  private final long parkNanos;
  private final AtomicInteger wakeUps = new AtomicInteger();
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
    long flushNanos = Math.max(0, config.flushInterval().toNanos());
    this.wakeAt = flushNanos == 0 ? 1 : Math.min(config.batchSize(), config.queueCapacity());
    this.parkNanos = flushNanos == 0 ? TimeUnit.SECONDS.toNanos(1) : flushNanos;
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
    Gauge.builder("propensity.prediction.log.queued", size, AtomicInteger::get)
        .description("Served predictions waiting for the prediction log's writer")
        .register(meters);
    Gauge.builder("propensity.prediction.log.queue.capacity", config, c -> c.queueCapacity())
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

  /**
   * Queues one record for writing; when the queue is full it is dropped and counted. Never blocks
   * and, unless the queue reaches a full batch, wakes no thread.
   */
  public void record(ServedPrediction p) {
    if (closing) {
      drop(DropReason.CLOSED, 1);
      return;
    }
    int n = size.incrementAndGet();
    if (n > config.queueCapacity()) {
      size.decrementAndGet();
      drop(DropReason.QUEUE_FULL, 1);
      return;
    }
    queue.offer(p);
    if (n == wakeAt) {
      LockSupport.unpark(writer);
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
    return size.get();
  }

  /**
   * How often the writer has woken up (for its flush interval, a full batch or closing): with
   * batching working, about one per flush interval however many records arrive.
   */
  public int writerWakeUps() {
    return wakeUps.get();
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
          size.get(),
          config.queueCapacity());
    }
  }

  private void run() {
    List<ServedPrediction> batch = new ArrayList<>(config.batchSize());
    Instant nextRetention = clock.instant();
    while (true) {
      boolean last = closing;
      if (!last && size.get() < wakeAt) {
        LockSupport.parkNanos(this, parkNanos);
        wakeUps.incrementAndGet();
        if (Thread.currentThread().isInterrupted()) {
          return; // close() gave up waiting and counts what is left
        }
        last = closing;
      }
      // everything queued now is written, in batches of at most batch-size
      while (drain(batch) > 0) {
        write(batch);
        batch.clear();
      }
      if (last) {
        return; // close() counts what arrived after this last drain
      }
      if (!config.retention().isZero() && !clock.instant().isBefore(nextRetention)) {
        nextRetention = clock.instant().plus(RETENTION_CHECK);
        expire();
      }
    }
  }

  /** Moves up to a batch of queued records to {@code batch}; returns how many. */
  private int drain(List<ServedPrediction> batch) {
    int n = 0;
    ServedPrediction p;
    while (n < config.batchSize() && (p = queue.poll()) != null) {
      batch.add(p);
      n++;
    }
    if (n > 0) {
      size.addAndGet(-n);
    }
    return n;
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

  /**
   * Writes what is queued (waiting up to 10 s), then closes the store. Records still queued after
   * that (the store hung, or a record raced with closing) are counted as {@code closed}.
   */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      writer.interrupt();
    }
    int left = 0;
    while (queue.poll() != null) {
      left++;
    }
    if (left > 0) {
      size.addAndGet(-left);
      drop(DropReason.CLOSED, left);
    }
    store.close();
  }
}
