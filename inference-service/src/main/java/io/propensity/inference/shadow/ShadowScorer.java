package io.propensity.inference.shadow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.propensity.inference.live.StreamOutcome;
import io.propensity.inference.predictionlog.PredictionLog;
import io.propensity.inference.predictionlog.PredictionRecorder;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.scoring.Prediction;
import io.propensity.inference.scoring.RowOutcome;
import io.propensity.inference.serving.ModelLease;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the answers production gave with the shadow version of the same model (the one under the
 * shadow alias, e.g. {@code challenger}) and writes the shadow's answers to the served-prediction
 * log under the same request id and row index, with the shadow alias: never returned to a caller.
 *
 * <p>The endpoints hand the answers over after the response is sent; the only work on the caller's
 * thread is one lock-free offer to a bounded queue, which wakes no thread: the shadow threads
 * ({@code threads}, default one) sleep for the drain interval ({@code
 * propensity.inference.shadow.drain-interval}, default 10 ms), then take everything queued and
 * score it per alias and model, one lease each (a queue half full wakes them early); a drain that
 * finds nothing puts them to sleep until the next offer. A busy service thus pays one shadow
 * wake-up per drain interval, not one per request, and an idle one none. A full queue drops the
 * request's shadow answers and counts them ({@code propensity_shadow_dropped_total{reason}}), it
 * never blocks or fails the request. The shadow reuses the feature values production scored (no
 * second feature-service read, no second computation from events): both versions of an ENGINE model
 * follow the service's one feature schema, which the loader checks. A shadow version whose schema
 * hash differs from production's (a PROVIDED table with other columns) is not scored: those
 * requests are counted as {@code reason="schema_mismatch"}.
 */
public final class ShadowScorer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowScorer.class);
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Why shadow answers were not written (the {@code reason} tag). */
  public enum DropReason {
    QUEUE_FULL("queue_full"),
    SCHEMA_MISMATCH("schema_mismatch"),
    FAILED("failed"),
    CLOSED("closed");

    final String tag;

    DropReason(String tag) {
      this.tag = tag;
    }
  }

  /** The default of {@code propensity.inference.shadow.drain-interval}. */
  public static final Duration DEFAULT_DRAIN_INTERVAL = Duration.ofMillis(10);

  /** One production answer to score again: its row index and the prediction served. */
  private record Row(int index, Prediction served) {}

  /** One request's answers waiting for the shadow, and when they were queued. */
  private record Job(String requestId, ServedEndpoint endpoint, List<Row> rows, long queuedAt) {
    String modelName() {
      return rows.get(0).served().modelName();
    }
  }

  private final ShadowConfiguration config;

  /** Per shadow alias, in configuration order, the versions loaded under it. */
  private final Map<String, ServedModels> shadows;

  private final PredictionRecorder recorder;
  private final PredictionLog log;
  private final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();

  /** Requests queued and not yet taken by a shadow thread: the queue's bound, without a lock. */
  private final AtomicInteger size = new AtomicInteger();

  private final int wakeAt;
  private final long drainNanos;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger wakeUps = new AtomicInteger();

  /** A shadow thread found nothing to do and sleeps until a request is offered. */
  private final AtomicBoolean idle = new AtomicBoolean();

  private final Counter scored;
  private final Counter sameVersionSkipped;
  private final Counter[] dropped = new Counter[DropReason.values().length];
  private final Timer latency;
  private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private volatile boolean closing;
  private final List<AutoCloseable> stopFirst = new CopyOnWriteArrayList<>();

  /**
   * A scorer of the versions in {@code shadows} (per alias) writing to {@code recorder}'s log,
   * draining its queue every {@link #DEFAULT_DRAIN_INTERVAL}.
   *
   * @throws IllegalArgumentException when the recorder has no log (shadow answers go nowhere else)
   */
  public ShadowScorer(
      ShadowConfiguration config,
      Map<String, ServedModels> shadows,
      PredictionRecorder recorder,
      MeterRegistry meters) {
    this(config, shadows, recorder, meters, DEFAULT_DRAIN_INTERVAL);
  }

  /**
   * As above, the shadow threads draining the queue every {@code drainInterval} (0: woken by the
   * first request offered to an empty queue).
   *
   * @throws IllegalArgumentException when the recorder has no log or the interval is negative
   */
  public ShadowScorer(
      ShadowConfiguration config,
      Map<String, ServedModels> shadows,
      PredictionRecorder recorder,
      MeterRegistry meters,
      Duration drainInterval) {
    if (drainInterval.isNegative()) {
      throw new IllegalArgumentException(
          "propensity.inference.shadow.drain-interval must be 0 or more, got " + drainInterval);
    }
    this.config = config;
    this.shadows = new LinkedHashMap<>(shadows);
    this.recorder = recorder;
    this.log =
        recorder
            .log()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "shadow scoring writes to the served-prediction log, which is disabled"));
    this.drainNanos = drainInterval.toNanos();
    this.wakeAt = drainNanos == 0 ? 1 : Math.max(1, config.queueCapacity() / 2);
    this.scored =
        Counter.builder("propensity.shadow.scored")
            .description("Answers scored by a shadow version and written to the prediction log")
            .register(meters);
    this.sameVersionSkipped =
        Counter.builder("propensity.shadow.skipped")
            .description(
                "Requests not scored by a shadow alias because it names the version that answered"
                    + " (e.g. challenger after its promotion), one per request and alias, by reason")
            .tag("reason", "same_version")
            .register(meters);
    for (DropReason r : DropReason.values()) {
      dropped[r.ordinal()] =
          Counter.builder("propensity.shadow.dropped")
              .description("Requests whose shadow answers were not scored, by reason")
              .tag("reason", r.tag)
              .register(meters);
    }
    Gauge.builder("propensity.shadow.queued", size, AtomicInteger::get)
        .description("Requests waiting for the shadow scorer")
        .register(meters);
    this.latency =
        Timer.builder("propensity.shadow.latency")
            .description(
                "Time from the production answer being sent to its shadow answers being handed to"
                    + " the prediction log")
            .publishPercentileHistogram()
            .register(meters);
    for (int i = 1; i <= config.threads(); i++) {
      Thread t = new Thread(this::run, "shadow-scorer-" + i);
      t.setDaemon(true);
      t.setPriority(Thread.NORM_PRIORITY - 1);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /**
   * How often the shadow threads have woken up (drain interval, a half-full queue or closing): with
   * batching working, about one per drain interval and thread however many requests arrive.
   */
  public int wakeUps() {
    return wakeUps.get();
  }

  /** Requests waiting for the shadow threads. */
  public int queued() {
    return size.get();
  }

  /** Something to stop before this scorer closes: what loads the shadow versions. */
  public void stopFirst(AutoCloseable loader) {
    this.stopFirst.add(loader);
  }

  /** The shadow aliases, e.g. {@code challenger}, in configuration order. */
  public List<String> aliases() {
    return List.copyOf(shadows.keySet());
  }

  /** Scores a Predict answer in the shadow. */
  public void predicted(String requestId, Prediction p) {
    offer(requestId, ServedEndpoint.PREDICT, List.of(new Row(0, p)));
  }

  /** Scores the scored rows of a PredictBatch answer in the shadow. */
  public void batch(String requestId, List<RowOutcome> outcomes) {
    List<Row> rows = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i) instanceof RowOutcome.Scored s) {
        rows.add(new Row(i, s.prediction()));
      }
    }
    offer(requestId, ServedEndpoint.PREDICT_BATCH, rows);
  }

  /**
   * Scores the predicted answers of one StreamPredict message in the shadow; {@code firstIndex} is
   * the stream-wide index of {@code outcomes.get(0)}.
   */
  public void streamed(String requestId, long firstIndex, List<StreamOutcome> outcomes) {
    List<Row> rows = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i) instanceof StreamOutcome.Predicted p) {
        rows.add(new Row((int) Math.min(Integer.MAX_VALUE, firstIndex + i), p.prediction()));
      }
    }
    offer(requestId, ServedEndpoint.STREAM_PREDICT, rows);
  }

  private void offer(String requestId, ServedEndpoint endpoint, List<Row> rows) {
    if (rows.isEmpty() || !sampled() || !hasShadowFor(rows.get(0).served())) {
      return;
    }
    if (closing) {
      drop(DropReason.CLOSED);
      return;
    }
    int n = size.incrementAndGet();
    if (n > config.queueCapacity()) {
      size.decrementAndGet();
      drop(DropReason.QUEUE_FULL);
      return;
    }
    queue.offer(new Job(requestId, endpoint, rows, System.nanoTime()));
    if (n == wakeAt || (idle.get() && idle.compareAndSet(true, false))) {
      wakeAll();
    }
  }

  private void wakeAll() {
    for (Thread t : threads) {
      LockSupport.unpark(t);
    }
  }

  /**
   * A shadow thread: sleeps for the drain interval, then scores everything queued. When a drain
   * finds nothing it sleeps until the next request is offered (an idle service costs no wake-ups),
   * then scores that request at once and goes back to draining on the interval.
   */
  private void run() {
    long parkNanos = drainNanos == 0 ? TimeUnit.SECONDS.toNanos(1) : drainNanos;
    List<Job> batch = new ArrayList<>();
    boolean foundNothing = false;
    while (true) {
      boolean last = closing;
      if (!last && size.get() < wakeAt) {
        if (foundNothing) {
          idle.set(true);
          // an offer either sees idle (and wakes us) or is seen here: no request waits unseen
          if (size.get() == 0 && !closing) {
            LockSupport.park(this);
          }
          idle.set(false);
        } else {
          LockSupport.parkNanos(this, parkNanos);
        }
        wakeUps.incrementAndGet();
        if (Thread.currentThread().isInterrupted()) {
          return; // close() gave up waiting and counts what is left
        }
        last = closing;
      }
      Job j;
      while ((j = queue.poll()) != null) {
        batch.add(j);
        size.decrementAndGet();
      }
      foundNothing = batch.isEmpty();
      if (!foundNothing) {
        scoreBatch(batch);
        batch.clear();
      }
      if (last) {
        return;
      }
    }
  }

  private boolean sampled() {
    double rate = config.sampleRate();
    return rate >= 1 || (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate);
  }

  /**
   * Whether some shadow alias holds a version of the answer's model other than the one that
   * answered (after a promotion {@code challenger} often still names the new production version:
   * scoring it again would only repeat the answer, so such requests are skipped and counted).
   */
  private boolean hasShadowFor(Prediction p) {
    long serving = p.servedBy().model().version();
    int sameVersion = 0;
    for (ServedModels versions : shadows.values()) {
      OptionalLong v = versions.currentVersion(p.modelName());
      if (v.isPresent()) {
        if (v.getAsLong() != serving) {
          return true; // the aliases naming the answering version are skipped when scoring
        }
        sameVersion++;
      }
    }
    if (sameVersion > 0) {
      sameVersionSkipped.increment(sameVersion);
    }
    return false;
  }

  /**
   * Every shadow alias with a version of a job's model scores the job's rows; the jobs of one model
   * share one lease of each alias's version and one hand-over to the log.
   */
  private void scoreBatch(List<Job> batch) {
    Map<String, List<Job>> byModel = new LinkedHashMap<>();
    for (Job j : batch) {
      byModel.computeIfAbsent(j.modelName(), k -> new ArrayList<>()).add(j);
    }
    for (Map.Entry<String, List<Job>> model : byModel.entrySet()) {
      for (Map.Entry<String, ServedModels> alias : shadows.entrySet()) {
        if (alias.getValue().currentVersion(model.getKey()).isPresent()) {
          scoreAs(alias.getKey(), alias.getValue(), model.getKey(), model.getValue());
        }
      }
    }
  }

  private void scoreAs(String alias, ServedModels versions, String name, List<Job> jobs) {
    List<ServedPrediction> out = new ArrayList<>();
    List<Job> done = new ArrayList<>(jobs.size());
    int handled = 0; // scored, mismatched or failed: counted
    try (ModelLease lease = versions.lease(Optional.of(name))) {
      ServedModel shadow = lease.served();
      String schemaHash = shadow.descriptor().schemaHash();
      Instant at = log.now();
      for (Job job : jobs) {
        ServedModel production = job.rows().get(0).served().servedBy().model();
        handled++;
        if (production.version() == shadow.version()) {
          sameVersionSkipped.increment(); // nothing to compare (another alias differs)
          continue;
        }
        if (!schemaHash.equals(production.descriptor().schemaHash())) {
          drop(DropReason.SCHEMA_MISMATCH);
          continue;
        }
        int before = out.size();
        try {
          for (Row r : job.rows()) {
            Prediction p = r.served();
            double[] values = p.servedBy().values();
            double probability = lease.probability(values);
            out.add(
                new ServedPrediction(
                    job.requestId(),
                    r.index(),
                    at,
                    job.endpoint(),
                    p.userId(),
                    shadow.name(),
                    shadow.version(),
                    alias,
                    recorder.schemaOf(shadow),
                    values,
                    probability,
                    probability >= shadow.threshold(),
                    shadow.threshold(),
                    p.coldStart(),
                    List.of()));
          }
          done.add(job);
        } catch (RuntimeException e) {
          // this request failed to score: never the caller's problem, nor the other requests'
          out.subList(before, out.size()).clear();
          drop(DropReason.FAILED);
          LOG.debug(
              "shadow scoring of request {} as {} failed: {}",
              job.requestId(),
              alias,
              e.toString());
        }
      }
    } catch (RuntimeException e) {
      // the shadow was swapped out or retired meanwhile: none of these requests is scored
      for (int i = handled; i < jobs.size(); i++) {
        drop(DropReason.FAILED);
      }
      LOG.debug("shadow scoring of {} requests as {} failed: {}", jobs.size(), alias, e.toString());
      return;
    }
    log.recordAll(out);
    scored.increment(out.size());
    long now = System.nanoTime();
    for (Job job : done) {
      latency.record(now - job.queuedAt(), TimeUnit.NANOSECONDS);
    }
  }

  private void drop(DropReason reason) {
    dropped[reason.ordinal()].increment();
    long now = System.nanoTime();
    long last = lastWarn.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarn.compareAndSet(last, now)) {
      LOG.warn(
          "shadow scoring dropped a request ({}; queue {}/{}); see propensity_shadow_dropped_total",
          reason.tag,
          size.get(),
          config.queueCapacity());
    }
  }

  /**
   * Scores what is queued (waiting up to 10 s) and retires the shadow versions; requests still
   * queued after that are counted as {@code closed}.
   */
  @Override
  public void close() {
    for (AutoCloseable loader : stopFirst) {
      try {
        loader.close();
      } catch (Exception e) {
        LOG.warn("could not stop loading shadow versions: {}", e.toString());
      }
    }
    closing = true;
    wakeAll();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      for (Thread t : threads) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
    while (queue.poll() != null) {
      size.decrementAndGet();
      drop(DropReason.CLOSED);
    }
    shadows.values().forEach(ServedModels::close);
  }
}
