package io.propensity.feature.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.propensity.engine.event.Event;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus figures of ingestion: events accepted, rejected, duplicate, conflicting; latency;
 * store size.
 */
public final class IngestMetrics implements IngestListener {
  private final Counter accepted;
  private final Counter rejected;
  private final Counter duplicates;
  private final Counter conflicts;
  private final Timer latency;
  private final AtomicLong storedSinceStart = new AtomicLong();
  private volatile double storedAtStart = Double.NaN;

  public IngestMetrics(MeterRegistry registry, long eventsAlreadyStored) {
    this(registry);
    eventsStoredAtStart(eventsAlreadyStored);
  }

  /**
   * Metrics whose store-size gauge reads NaN until {@link #eventsStoredAtStart} is told the count
   * (which may take a while on a large store, so it need not delay the start).
   */
  public IngestMetrics(MeterRegistry registry) {
    accepted =
        Counter.builder("propensity.ingest.events")
            .tag("outcome", "accepted")
            .description("Events ingested, by outcome")
            .register(registry);
    rejected =
        Counter.builder("propensity.ingest.events")
            .tag("outcome", "rejected")
            .description("Events ingested, by outcome")
            .register(registry);
    duplicates =
        Counter.builder("propensity.ingest.events")
            .tag("outcome", "duplicate")
            .description("Events ingested, by outcome")
            .register(registry);
    conflicts =
        Counter.builder("propensity.ingest.events")
            .tag("outcome", "conflict")
            .description("Events ingested, by outcome")
            .register(registry);
    latency =
        Timer.builder("propensity.ingest.latency")
            .description("Time to validate and durably commit one batch")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("propensity.store.events", this, m -> m.storedAtStart + m.storedSinceStart.get())
        .description("Events in the event store")
        .register(registry);
  }

  /** Sets the number of events the store held when this service started. */
  public void eventsStoredAtStart(long events) {
    storedAtStart = events;
  }

  @Override
  public void onStored(List<Event> stored) {
    storedSinceStart.addAndGet(stored.size());
  }

  @Override
  public void onOutcome(IngestOutcome outcome, long nanos) {
    accepted.increment(outcome.accepted());
    rejected.increment(outcome.rejected().size());
    duplicates.increment(outcome.duplicates());
    conflicts.increment(outcome.conflicts().size());
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }
}
