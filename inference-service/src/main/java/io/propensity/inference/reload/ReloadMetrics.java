package io.propensity.inference.reload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServingListener;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus figures of model management: load attempts by outcome, refusals by reason, load time,
 * the version serving per model, and retired versions freed.
 */
public final class ReloadMetrics implements ReloadListener, ServingListener {
  private final MeterRegistry registry;
  private final Timer loadTime;
  private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();

  public ReloadMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.loadTime =
        Timer.builder("propensity.inference.model.load.duration")
            .description(
                "Time from deciding to load a version to serving it: fetch, verify, load, validate, warm up")
            .register(registry);
  }

  private Counter reloads(String model, String outcome) {
    return Counter.builder("propensity.inference.model.reloads")
        .description("Model version load attempts, by outcome (loaded, refused, failed)")
        .tag("model", model)
        .tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public void loaded(ServedModel model, Duration took) {
    reloads(model.name(), "loaded").increment();
    loadTime.record(took);
  }

  @Override
  public void refused(String name, long version, RefusalReason reason, String message) {
    reloads(name, "refused").increment();
    Counter.builder("propensity.inference.model.refused")
        .description("Model versions refused (never served), by reason")
        .tag("model", name)
        .tag("reason", reason.tag())
        .register(registry)
        .increment();
  }

  @Override
  public void failed(String name, long version, String message) {
    reloads(name, "failed").increment();
  }

  @Override
  public void swapped(ServedModel current, Optional<ServedModel> previous) {
    versions
        .computeIfAbsent(
            current.name(),
            name -> {
              AtomicLong v = new AtomicLong();
              Gauge.builder("propensity.inference.model.version", v, AtomicLong::get)
                  .description("Version serving now, per model")
                  .tag("model", name)
                  .register(registry);
              return v;
            })
        .set(current.version());
  }

  @Override
  public void freed(ServedModel model) {
    Counter.builder("propensity.inference.model.freed")
        .description("Retired model versions whose native memory was freed after draining")
        .tag("model", model.name())
        .register(registry)
        .increment();
  }
}
