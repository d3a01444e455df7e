package io.propensity.feature.kafka;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.propensity.feature.config.StoreConfiguration;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.StoreException;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import jakarta.inject.Singleton;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * For outage tests ({@code test.switchable-store=true}): the configured event store, whose {@code
 * append} fails as a refused database connection would while {@link Outage#down} is set.
 */
@Factory
@Requires(property = "test.switchable-store", value = "true")
class SwitchableEventStoreFactory {
  /** The switch. */
  @Singleton
  @Requires(property = "test.switchable-store", value = "true")
  static final class Outage {
    final AtomicBoolean down = new AtomicBoolean();
  }

  @Singleton
  @Replaces(EventStore.class)
  @Bean(preDestroy = "close")
  EventStore switchableEventStore(StoreConfiguration config, Outage outage) {
    JdbcEventStore real =
        JdbcEventStore.open(config.jdbcUrl(), config.user(), config.password(), config.poolSize());
    return (EventStore)
        Proxy.newProxyInstance(
            EventStore.class.getClassLoader(),
            new Class<?>[] {EventStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("append") && outage.down.get()) {
                throw new StoreException("Connection to 127.0.0.1:5432 refused", null);
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
