package io.propensity.feature.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.feature.campaign.Campaigns;
import io.propensity.feature.ingest.IngestListener;
import io.propensity.feature.ingest.IngestMetrics;
import io.propensity.feature.ingest.IngestOutcome;
import io.propensity.feature.ingest.Ingestor;
import io.propensity.feature.online.InMemoryOnlineFeatureStore;
import io.propensity.feature.online.OnlineFeatureStore;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.outcome.Outcomes;
import io.propensity.feature.overview.DataOverviewService;
import io.propensity.feature.snapshot.OnlineSnapshotter;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import io.propensity.feature.trainingset.TrainingSets;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the feature service's domain objects from configuration. */
@Factory
class FeatureServiceFactory {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureServiceFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  EventStore eventStore(StoreConfiguration config) {
    String url = config.jdbcUrl();
    JdbcEventStore store =
        JdbcEventStore.open(url, config.user(), config.password(), config.poolSize());
    LOG.info("event store ready: {} ({})", store.dialect(), MigratedDataSource.redact(url));
    return store;
  }

  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Singleton
  @Bean(preDestroy = "close")
  OnlineFeatureStore onlineFeatureStore(OnlineConfiguration config) {
    return switch (config.backend()) {
      case "memory" -> new InMemoryOnlineFeatureStore();
      case "redis" ->
          new io.propensity.feature.online.RedisOnlineFeatureStore(
              config.redisUrl(), config.redisKeyPrefix());
      default ->
          throw new IllegalArgumentException(
              "propensity.online.backend=" + config.backend() + " is not one of: memory, redis");
    };
  }

  @Singleton
  OnlineFeatures onlineFeatures(
      OnlineFeatureStore store,
      EventStore events,
      Clock clock,
      OnlineConfiguration config,
      OnlineSnapshotConfiguration snapshots,
      @Value("${propensity.data-dir:data}") String dataDir) {
    OnlineFeatures online = new OnlineFeatures(store, clock, config.maxUsersPerRequest());
    online.start(
        events,
        snapshots.enabled() ? Optional.of(snapshotFile(snapshots, dataDir)) : Optional.empty());
    return online;
  }

  static Path snapshotFile(OnlineSnapshotConfiguration snapshots, String dataDir) {
    return snapshots.file().isBlank()
        ? Path.of(dataDir, "feature-service", "online-state.snap")
        : Path.of(snapshots.file());
  }

  /** Periodic and shutdown snapshots of the in-memory state; none with Redis or when disabled. */
  @Context
  @Bean(preDestroy = "close")
  OnlineSnapshotter onlineSnapshotter(
      OnlineFeatures online,
      EventStore events,
      OnlineFeatureStore store,
      OnlineSnapshotConfiguration snapshots,
      MeterRegistry registry,
      @Value("${propensity.data-dir:data}") String dataDir) {
    Optional<Path> file =
        snapshots.enabled() && store instanceof InMemoryOnlineFeatureStore
            ? Optional.of(snapshotFile(snapshots, dataDir))
            : Optional.empty();
    return new OnlineSnapshotter(online, events, file, snapshots.interval(), registry);
  }

  /**
   * Campaigns live in the event store's database, so a report joins members to their events there.
   * An event store that is not the JDBC one (a test's wrapper) gets its own connection pool.
   */
  @Singleton
  Campaigns campaigns(EventStore events, StoreConfiguration config, Clock clock) {
    JdbcEventStore jdbc =
        events instanceof JdbcEventStore j
            ? j
            : JdbcEventStore.open(config.jdbcUrl(), config.user(), config.password(), 2);
    return new Campaigns(jdbc.campaigns(), clock);
  }

  @Singleton
  TrainingSets trainingSets(EventStore events) {
    return new TrainingSets(events);
  }

  @Singleton
  Outcomes outcomes(EventStore events) {
    return new Outcomes(events);
  }

  @Singleton
  io.propensity.feature.users.UserDirectory userDirectory(EventStore events) {
    return new io.propensity.feature.users.UserDirectory(events);
  }

  @Singleton
  DataOverviewService dataOverview(
      EventStore events, OnlineFeatures online, Clock clock, OnlineConfiguration config) {
    return new DataOverviewService(events, online, clock, config.overviewCacheTtl());
  }

  @Singleton
  EventValidator eventValidator() {
    return EventValidator.systemDefault();
  }

  @Singleton
  IngestMetrics ingestMetrics(MeterRegistry registry, EventStore store, OnlineFeatures online) {
    io.micrometer.core.instrument.Gauge.builder(
            "propensity.online.users", online, OnlineFeatures::users)
        .description("Users with online feature state")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "propensity.online.state.bytes", online, OnlineFeatures::estimatedBytes)
        .description("Approximate bytes of online feature state")
        .register(registry);
    // The store size is counted off the start path: a count over millions of events takes time.
    IngestMetrics metrics = new IngestMetrics(registry);
    Thread counter =
        new Thread(
            () -> {
              try {
                metrics.eventsStoredAtStart(store.approximateEvents());
              } catch (RuntimeException e) {
                LOG.warn("cannot count stored events for metrics: {}", e.getMessage());
              }
            },
            "count-stored-events");
    counter.setDaemon(true);
    counter.start();
    return metrics;
  }

  @Singleton
  Ingestor ingestor(
      EventStore store,
      EventValidator validator,
      IngestConfiguration config,
      OnlineFeatures online,
      List<IngestListener> listeners) {
    IngestListener all =
        new IngestListener() {
          @Override
          public void onStored(List<Event> stored) {
            for (IngestListener l : listeners) {
              l.onStored(stored);
            }
          }

          @Override
          public void onOutcome(IngestOutcome outcome, long nanos) {
            for (IngestListener l : listeners) {
              l.onOutcome(outcome, nanos);
            }
          }
        };
    return new Ingestor(
        store, validator, config.maxEventsPerRequest(), all, online.ingestBarrier());
  }
}
