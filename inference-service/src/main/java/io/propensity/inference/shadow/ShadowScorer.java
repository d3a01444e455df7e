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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the answers production gave with the shadow version of the same model (the one under the
 * shadow alias, e.g. {@code challenger}) and writes the shadow's answers to the served-prediction
 * log under the same request id and row index, with the shadow alias: never returned to a caller.
 *
 * <p>The endpoints hand the answers over after the response is sent; the only work on the caller's
 * thread is one offer to a bounded queue. A full queue drops the request's shadow answers and
 * counts them ({@code propensity_shadow_dropped_total{reason}}), it never blocks or fails the
 * request. The shadow reuses the feature values production scored (no second feature-service read,
 * no second computation from events): both versions of an ENGINE model follow the service's one
 * feature schema, which the loader checks. A shadow version whose schema hash differs from
 * production's (a PROVIDED table with other columns) is not scored: those requests are counted as
 * {@code reason="schema_mismatch"}.
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

  /** One production answer to score again: its row index and the prediction served. */
  private record Row(int index, Prediction served) {}

  private final ShadowConfiguration config;

  /** Per shadow alias, in configuration order, the versions loaded under it. */
  private final Map<String, ServedModels> shadows;

  private final PredictionRecorder recorder;
  private final PredictionLog log;
  private final ThreadPoolExecutor pool;
  private final Counter scored;
  private final Counter[] dropped = new Counter[DropReason.values().length];
  private final Timer latency;
  private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private volatile boolean closing;
  private final List<AutoCloseable> stopFirst = new CopyOnWriteArrayList<>();

  /**
   * A scorer of the versions in {@code shadows} (per alias) writing to {@code recorder}'s log.
   *
   * @throws IllegalArgumentException when the recorder has no log (shadow answers go nowhere else)
   */
  public ShadowScorer(
      ShadowConfiguration config,
      Map<String, ServedModels> shadows,
      PredictionRecorder recorder,
      MeterRegistry meters) {
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
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            config.threads(),
            config.threads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(config.queueCapacity()),
            r -> {
              Thread t = new Thread(r, "shadow-scorer-" + n.incrementAndGet());
              t.setDaemon(true);
              t.setPriority(Thread.NORM_PRIORITY - 1);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.scored =
        Counter.builder("propensity.shadow.scored")
            .description("Answers scored by a shadow version and written to the prediction log")
            .register(meters);
    for (DropReason r : DropReason.values()) {
      dropped[r.ordinal()] =
          Counter.builder("propensity.shadow.dropped")
              .description("Requests whose shadow answers were not scored, by reason")
              .tag("reason", r.tag)
              .register(meters);
    }
    Gauge.builder("propensity.shadow.queued", pool, p -> p.getQueue().size())
        .description("Requests waiting for the shadow scorer")
        .register(meters);
    this.latency =
        Timer.builder("propensity.shadow.latency")
            .description(
                "Time from the production answer being sent to its shadow answers being handed to"
                    + " the prediction log")
            .publishPercentileHistogram()
            .register(meters);
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
    long queuedAt = System.nanoTime();
    try {
      pool.execute(() -> score(requestId, endpoint, rows, queuedAt));
    } catch (RejectedExecutionException full) {
      drop(closing ? DropReason.CLOSED : DropReason.QUEUE_FULL);
    }
  }

  private boolean sampled() {
    double rate = config.sampleRate();
    return rate >= 1 || (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate);
  }

  private boolean hasShadowFor(Prediction p) {
    for (ServedModels versions : shadows.values()) {
      if (versions.currentVersion(p.modelName()).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** Every shadow alias with a version of the model scores the rows, each on its own. */
  private void score(String requestId, ServedEndpoint endpoint, List<Row> rows, long queuedAt) {
    String name = rows.get(0).served().modelName();
    for (Map.Entry<String, ServedModels> alias : shadows.entrySet()) {
      if (alias.getValue().currentVersion(name).isPresent()) {
        scoreAs(alias.getKey(), alias.getValue(), requestId, endpoint, rows, queuedAt);
      }
    }
  }

  private void scoreAs(
      String alias,
      ServedModels versions,
      String requestId,
      ServedEndpoint endpoint,
      List<Row> rows,
      long queuedAt) {
    String name = rows.get(0).served().modelName();
    try (ModelLease lease = versions.lease(Optional.of(name))) {
      ServedModel shadow = lease.served();
      ServedModel production = rows.get(0).served().servedBy().model();
      if (!shadow.descriptor().schemaHash().equals(production.descriptor().schemaHash())) {
        drop(DropReason.SCHEMA_MISMATCH);
        return;
      }
      Instant at = log.now();
      List<ServedPrediction> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        Prediction p = r.served();
        double[] values = p.servedBy().values();
        double probability = lease.probability(values);
        out.add(
            new ServedPrediction(
                requestId,
                r.index(),
                at,
                endpoint,
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
      log.recordAll(out);
      scored.increment(out.size());
      latency.record(System.nanoTime() - queuedAt, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      // the shadow was swapped out or retired meanwhile, or failed to score: never the caller's
      // problem
      drop(DropReason.FAILED);
      LOG.debug("shadow scoring of request {} as {} failed: {}", requestId, alias, e.toString());
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
          pool.getQueue().size(),
          config.queueCapacity());
    }
  }

  /** Scores what is queued (waiting up to 10 s) and retires the shadow versions. */
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
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        int left = pool.shutdownNow().size();
        for (int i = 0; i < left; i++) {
          drop(DropReason.CLOSED);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shadows.values().forEach(ServedModels::close);
  }
}
