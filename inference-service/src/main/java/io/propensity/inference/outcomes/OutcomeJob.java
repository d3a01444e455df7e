package io.propensity.inference.outcomes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.propensity.inference.outcomes.OutcomeStore.VersionKey;
import io.propensity.inference.outcomes.metrics.LiveMetric;
import io.propensity.inference.outcomes.metrics.LiveMetricsService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link OutcomeJoiner} every interval on its own thread and publishes the live metrics as
 * Prometheus gauges: {@code propensity_live_auc}, {@code propensity_live_precision}, {@code
 * propensity_live_recall}, {@code propensity_live_ece}, {@code propensity_live_count} (tags model,
 * version, alias; over the last {@code metrics-days} days), {@code propensity_live_outcomes_total}
 * (outcomes joined by this replica, tag status) and {@code propensity_outcome_joiner_lag_seconds}
 * (tags model, version: now − the served time joined up to).
 */
public final class OutcomeJob implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeJob.class);

  private final OutcomeJoiner joiner;
  private final LiveMetricsService metrics;
  private final OutcomeConfiguration config;
  private final MeterRegistry meters;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final Runnable onClose;
  private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
  private final Counter positive;
  private final Counter negative;
  private final Counter notEligible;

  public OutcomeJob(
      OutcomeJoiner joiner,
      LiveMetricsService metrics,
      OutcomeConfiguration config,
      MeterRegistry meters,
      Clock clock,
      Runnable onClose) {
    this.onClose = onClose;
    this.joiner = joiner;
    this.metrics = metrics;
    this.config = config;
    this.meters = meters;
    this.clock = clock;
    this.positive = outcomes("positive");
    this.negative = outcomes("negative");
    this.notEligible = outcomes("not_eligible");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "outcome-joiner");
              t.setDaemon(true);
              return t;
            });
  }

  private Counter outcomes(String status) {
    return Counter.builder("propensity.live.outcomes")
        .description("Served predictions joined to a final outcome by this replica")
        .tag("status", status)
        .register(meters);
  }

  /** Starts joining every interval. */
  public void start() {
    long ms = config.interval().toMillis();
    timer.scheduleWithFixedDelay(this::runSafely, Math.min(ms, 10_000), ms, TimeUnit.MILLISECONDS);
    LOG.info(
        "outcome joiner started: every {}, lag {}, batch {}",
        config.interval(),
        config.lag(),
        config.batchSize());
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      LOG.warn("outcome join failed, retrying in {}: {}", config.interval(), e.toString());
    }
  }

  /** One join pass, then the gauges; returns the pass. */
  public OutcomeJoiner.Pass runOnce() {
    long start = System.nanoTime();
    OutcomeJoiner.Pass pass =
        joiner.runOnce(
            batch ->
                batch.forEach(
                    j -> {
                      switch (j.status()) {
                        case POSITIVE -> positive.increment();
                        case NEGATIVE -> negative.increment();
                        default -> notEligible.increment();
                      }
                    }));
    Instant now = clock.instant();
    for (Map.Entry<VersionKey, Instant> e : joiner.joinedUntil().entrySet()) {
      gauge(
          "propensity.outcome.joiner.lag.seconds",
          "Seconds between now and the served time outcomes are joined up to",
          Tags.of("model", e.getKey().modelName(), "version", Long.toString(e.getKey().version())),
          Duration.between(e.getValue(), now).toMillis() / 1000.0);
    }
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    joiner.joinedUntil().keySet().stream()
        .map(VersionKey::modelName)
        .distinct()
        .forEach(model -> publish(model, today));
    LOG.info(
        "outcome join: {} outcomes ({} positive) in {} ms{}",
        pass.joined(),
        pass.positives(),
        (System.nanoTime() - start) / 1_000_000,
        pass.skipped().isEmpty() ? "" : ", versions skipped " + pass.skipped());
    return pass;
  }

  private void publish(String model, LocalDate today) {
    long start = System.nanoTime();
    LiveMetricsService.Refresh r =
        metrics.overallRefreshed(model, today.minusDays(config.metricsDays() - 1L), today);
    LOG.debug(
        "live metrics of {}: {} days reloaded, {} unchanged, in {} ms",
        model,
        r.daysReloaded(),
        r.daysReused(),
        (System.nanoTime() - start) / 1_000_000);
    for (LiveMetric m : r.overall()) {
      Tags tags =
          Tags.of(
              "model", model, "version", Long.toString(m.modelVersion()), "alias", m.modelAlias());
      gauge(
          "propensity.live.auc",
          "Live ROC-AUC over the last metrics-days days (NaN with one class)",
          tags,
          m.rocAuc().orElse(Double.NaN));
      gauge("propensity.live.precision", "Live precision at the threshold", tags, m.precision());
      gauge("propensity.live.recall", "Live recall at the threshold", tags, m.recall());
      gauge("propensity.live.ece", "Live expected calibration error (10 bins)", tags, m.ece());
      gauge("propensity.live.count", "Labelled served predictions", tags, m.count());
    }
  }

  private void gauge(String name, String description, Tags tags, double value) {
    String key = name + tags;
    gauges
        .computeIfAbsent(
            key,
            k -> {
              AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
              Gauge.builder(name, ref, AtomicReference::get)
                  .description(description)
                  .tags(tags)
                  .register(meters);
              return ref;
            })
        .set(value);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    onClose.run();
  }
}
