package io.propensity.training.registry;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.training.registry.jdbc.JdbcRegistryStore;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the model registry from {@link RegistryConfiguration}. */
@Factory
class RegistryFactory {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  ModelRegistry modelRegistry(
      RegistryConfiguration config, @Value("${propensity.data-dir:data}") String dataDir) {
    // (a placeholder in a @Bindable default is not resolved, so the default is derived here)
    String url =
        config.jdbcUrl().isBlank()
            ? "jdbc:sqlite:" + Path.of(dataDir, "training-service", "registry.db")
            : config.jdbcUrl();
    JdbcRegistryStore store =
        JdbcRegistryStore.open(url, config.user(), config.password(), config.poolSize());
    LOG.info("model registry ready: {} ({})", store.dialect(), MigratedDataSource.redact(url));
    return new ModelRegistry(
        store,
        Clock.systemUTC(),
        config.watchPollInterval(),
        config.maxModelTextBytes(),
        config.quota());
  }
}
