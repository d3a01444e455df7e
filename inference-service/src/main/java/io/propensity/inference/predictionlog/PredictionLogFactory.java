package io.propensity.inference.predictionlog;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the served-prediction log from {@link PredictionLogConfiguration}; records are stamped with
 * the service's {@code inference} clock (the one outcomes and promotions are decided on).
 */
@Factory
class PredictionLogFactory {
  private static final Logger LOG = LoggerFactory.getLogger(PredictionLogFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  PredictionRecorder predictionRecorder(
      PredictionLogConfiguration config,
      MeterRegistry meters,
      @Named("inference") Clock clock,
      @Value("${propensity.data-dir:data}") String dataDir) {
    if (!config.enabled()) {
      LOG.info(
          "served-prediction log disabled (propensity.inference.prediction-log.enabled=false)");
      return new PredictionRecorder(Optional.empty());
    }
    String url =
        config.jdbcUrl().isBlank()
            ? "jdbc:sqlite:" + Path.of(dataDir, "inference-service", "predictions.db")
            : config.jdbcUrl();
    JdbcPredictionLogStore store =
        JdbcPredictionLogStore.open(url, config.user(), config.password());
    LOG.info(
        "served-prediction log ready: {} ({}), sample rate {}, queue {}",
        store.dialect(),
        MigratedDataSource.redact(url),
        config.sampleRate(),
        config.queueCapacity());
    return new PredictionRecorder(Optional.of(new PredictionLog(config, store, meters, clock)));
  }
}
