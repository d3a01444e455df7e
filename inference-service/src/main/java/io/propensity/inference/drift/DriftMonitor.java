package io.propensity.inference.drift;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic drift job: every {@code interval}, the drift of every served version over the last
 * {@code window}, published as Prometheus gauges ({@code propensity_drift_psi{model, version,
 * feature}}, {@code propensity_drift_score_psi{model, version}}, {@code propensity_drift_rows},
 * {@code propensity_drift_rows_without_values}, {@code propensity_drift_available}). PSI gauges are
 * published only for a version whose window holds at least {@code min-rows} rows, so that alerts do
 * not fire on noise; a version that is no longer served loses its gauges.
 */
public final class DriftMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);

  private final DriftAnalyzer analyzer;
  private final ServedModels served;
  private final Duration window;
  private final Clock clock;
  private final MultiGauge featurePsi;
  private final MultiGauge scorePsi;
  private final MultiGauge rows;
  private final MultiGauge rowsWithoutValues;
  private final MultiGauge available;
  private final Map<String, DriftReport> latest = new ConcurrentHashMap<>();
  private final Map<String, DriftReport> latestShadow = new ConcurrentHashMap<>();
  private final String servedAlias;
  private final Supplier<List<ShadowVersion>> shadows;
  private ScheduledExecutorService timer;

  /** A version scored in the shadow of production under {@code alias} (e.g. a challenger). */
  public record ShadowVersion(String model, long version, String alias) {}

  /** A monitor of the versions this replica serves, tagged {@code alias="production"}. */
  public DriftMonitor(
      DriftAnalyzer analyzer,
      ServedModels served,
      Duration window,
      MeterRegistry meters,
      Clock clock) {
    this(analyzer, served, "production", List::of, window, meters, clock);
  }

  /**
   * A monitor of the versions this replica serves under {@code servedAlias} and of the versions
   * {@code shadows} names each run (the shadow aliases' versions, when shadow scoring is on): each
   * version's drift is computed from its own logged answers, its gauges tagged with its alias.
   */
  public DriftMonitor(
      DriftAnalyzer analyzer,
      ServedModels served,
      String servedAlias,
      Supplier<List<ShadowVersion>> shadows,
      Duration window,
      MeterRegistry meters,
      Clock clock) {
    this.servedAlias = servedAlias;
    this.shadows = shadows;
    this.analyzer = analyzer;
    this.served = served;
    this.window = window;
    this.clock = clock;
    this.featurePsi =
        MultiGauge.builder("propensity.drift.psi")
            .description(
                "Population stability index of a feature's served values over the drift window"
                    + " against the version's training rows")
            .register(meters);
    this.scorePsi =
        MultiGauge.builder("propensity.drift.score.psi")
            .description(
                "Population stability index of the served probability over the drift window"
                    + " against the version's held-out test rows")
            .register(meters);
    this.rows =
        MultiGauge.builder("propensity.drift.rows")
            .description("Logged predictions with feature values the last drift run compared")
            .register(meters);
    this.rowsWithoutValues =
        MultiGauge.builder("propensity.drift.rows.without.values")
            .description("Logged predictions without feature values the last drift run skipped")
            .register(meters);
    this.available =
        MultiGauge.builder("propensity.drift.available")
            .description(
                "1 when the last drift run computed indices on enough rows, 0 when the version has"
                    + " no reference or too few rows")
            .register(meters);
  }

  /** Runs {@link #runOnce} every {@code interval}, the first time right away. */
  public synchronized void start(Duration interval) {
    if (timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "drift-monitor");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::runSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      LOG.warn("drift run failed; trying again next interval", e);
    }
  }

  /** Computes the drift of every served version now and publishes it; returns the reports. */
  public List<DriftReport> runOnce() {
    Instant to = clock.instant();
    Instant from = to.minus(window);
    List<DriftReport> reports = new ArrayList<>();
    List<String> aliases = new ArrayList<>();
    for (ServedModel m : served.current()) {
      reports.add(analyze(m.name(), m.version(), from, to));
      aliases.add(servedAlias);
    }
    List<ShadowVersion> shadowVersions;
    try {
      shadowVersions = shadows.get();
    } catch (RuntimeException e) {
      LOG.warn("drift: cannot resolve the shadow versions this run: {}", e.toString());
      shadowVersions = List.of();
    }
    for (ShadowVersion v : shadowVersions) {
      reports.add(analyze(v.model(), v.version(), from, to));
      aliases.add(v.alias());
    }
    publish(reports, aliases);
    latest.clear();
    latestShadow.clear();
    for (int i = 0; i < reports.size(); i++) {
      DriftReport r = reports.get(i);
      if (aliases.get(i).equals(servedAlias)) {
        latest.put(r.modelName(), r);
      } else {
        latestShadow.put(r.modelName() + "@" + aliases.get(i), r);
      }
    }
    return reports;
  }

  private DriftReport analyze(String model, long version, Instant from, Instant to) {
    DriftReport r = analyzer.analyze(model, version, from, to);
    if (r.status() != DriftReport.Status.AVAILABLE) {
      LOG.debug("drift of {}@{}: {} ({})", model, version, r.status(), r.reason());
    }
    return r;
  }

  /** The last run's report of each shadow version, by {@code model@alias}. */
  public Map<String, DriftReport> latestShadow() {
    return Map.copyOf(latestShadow);
  }

  /** The last run's report of each served model, by model name. */
  public Map<String, DriftReport> latest() {
    return Map.copyOf(latest);
  }

  private void publish(List<DriftReport> reports, List<String> aliases) {
    List<MultiGauge.Row<?>> features = new ArrayList<>();
    List<MultiGauge.Row<?>> scores = new ArrayList<>();
    List<MultiGauge.Row<?>> used = new ArrayList<>();
    List<MultiGauge.Row<?>> skipped = new ArrayList<>();
    List<MultiGauge.Row<?>> ok = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      DriftReport r = reports.get(i);
      Tags tags =
          Tags.of(
              "model",
              r.modelName(),
              "version",
              Long.toString(r.modelVersion()),
              "alias",
              aliases.get(i));
      used.add(MultiGauge.Row.of(tags, r.rowsUsed()));
      skipped.add(MultiGauge.Row.of(tags, r.rowsWithoutValues()));
      boolean computed = r.status() == DriftReport.Status.AVAILABLE;
      ok.add(MultiGauge.Row.of(tags, computed ? 1 : 0));
      if (computed) {
        scores.add(MultiGauge.Row.of(tags, r.score().orElseThrow().psi()));
        for (DriftReport.Distribution d : r.features()) {
          if (!d.absentLive()) {
            features.add(MultiGauge.Row.of(tags.and("feature", d.name()), d.psi()));
          }
        }
      }
    }
    featurePsi.register(features, true);
    scorePsi.register(scores, true);
    rows.register(used, true);
    rowsWithoutValues.register(skipped, true);
    available.register(ok, true);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
