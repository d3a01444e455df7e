package io.propensity.inference.scoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.propensity.inference.serving.ServedModel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus figures of scoring: latency by operation (a histogram, for percentiles) and
 * predictions by model, version and input kind.
 */
public final class ScoringMetrics {
  /** The operations timed. */
  public enum Operation {
    PREDICT,
    PREDICT_BATCH,
    EXPLAIN,
    STREAM_EVENT,
    RANK;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Map<Operation, Timer> latency = new ConcurrentHashMap<>();
  private final Map<String, Counter> predictions = new ConcurrentHashMap<>();
  private final Map<io.propensity.inference.live.HistorySeed.Origin, Counter> seeds =
      new java.util.EnumMap<>(io.propensity.inference.live.HistorySeed.Origin.class);

  public ScoringMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (io.propensity.inference.live.HistorySeed.Origin o :
        io.propensity.inference.live.HistorySeed.Origin.values()) {
      seeds.put(
          o,
          Counter.builder("propensity.inference.stream.seeds")
              .description(
                  "Live states begun for users new on this replica, by how they were seeded")
              .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }
    for (Operation op : Operation.values()) {
      latency.put(
          op,
          Timer.builder("propensity.inference.latency")
              .description(
                  "Time to answer one scoring request (one event for streams), features included")
              .tag("operation", op.tag())
              .publishPercentileHistogram()
              .register(registry));
    }
  }

  /** Records how long an operation took. */
  public void timed(Operation op, long nanos) {
    latency.get(op).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one live state seeded from stored history, by how it went. */
  public void seeded(io.propensity.inference.live.HistorySeed.Origin origin) {
    seeds.get(origin).increment();
  }

  /** Counts {@code count} predictions of one version for one input kind. */
  public void predicted(ServedModel model, String input, long count) {
    if (count == 0) {
      return;
    }
    String key = model.name() + '\u0000' + model.version() + '\u0000' + input;
    predictions
        .computeIfAbsent(
            key,
            k ->
                Counter.builder("propensity.inference.predictions")
                    .description("Predictions made, by model, version and input kind")
                    .tag("model", model.name())
                    .tag("version", Long.toString(model.version()))
                    .tag("input", input)
                    .register(registry))
        .increment(count);
  }
}
