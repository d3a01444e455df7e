package io.propensity.feature.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.feature.ingest.IngestListener;
import io.propensity.feature.ingest.IngestMetrics;
import io.propensity.feature.ingest.IngestOutcome;
import io.propensity.feature.ingest.Ingestor;
import io.propensity.feature.online.InMemoryOnlineFeatureStore;
import io.propensity.feature.online.OnlineFeatureStore;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.overview.DataOverviewService;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import io.propensity.feature.trainingset.TrainingSets;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
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
      OnlineFeatureStore store, EventStore events, Clock clock, OnlineConfiguration config) {
    OnlineFeatures online = new OnlineFeatures(store, clock, config.maxUsersPerRequest());
    online.rebuildFrom(events);
    return online;
  }

  @Singleton
  TrainingSets trainingSets(EventStore events) {
    return new TrainingSets(events);
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
    return new IngestMetrics(registry, store.statistics().events());
  }

  @Singleton
  Ingestor ingestor(
      EventStore store,
      EventValidator validator,
      IngestConfiguration config,
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
    return new Ingestor(store, validator, config.maxEventsPerRequest(), all);
  }
}
