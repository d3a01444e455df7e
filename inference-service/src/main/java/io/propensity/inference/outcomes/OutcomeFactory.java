package io.propensity.inference.outcomes;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.ModelRegistryClient;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.inference.config.FeatureServiceConfiguration;
import io.propensity.inference.config.RegistryClientConfiguration;
import io.propensity.inference.outcomes.jdbc.JdbcOutcomeStore;
import io.propensity.inference.outcomes.metrics.LiveMetricsService;
import io.propensity.inference.predictionlog.PredictionLog;
import io.propensity.inference.predictionlog.PredictionRecorder;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the outcome join and live metrics over the served-prediction log's database. */
@Factory
class OutcomeFactory {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeFactory.class);

  /** Created with the context so that the joiner runs without a request asking for it. */
  @Context
  @Bean(preDestroy = "close")
  LiveOutcomes liveOutcomes(
      OutcomeConfiguration config,
      PredictionRecorder recorder,
      FeatureServiceConfiguration features,
      @Named("feature-service") ManagedChannel featureChannel,
      RegistryClientConfiguration registry,
      ChannelSecurity security,
      MeterRegistry meters,
      @Named("inference") Clock clock) {
    Optional<PredictionLog> log = recorder.log();
    if (log.isEmpty() || !(log.get().store() instanceof JdbcPredictionLogStore jdbc)) {
      LOG.info("no outcome join and no live metrics: the served-prediction log is disabled");
      return new LiveOutcomes(
          Optional.empty(), (model, from, to) -> List.of(), Optional.empty(), Optional.empty());
    }
    OutcomeStore store = new JdbcOutcomeStore(jdbc.dataSource());
    LabeledPredictions labeled = new JoinedPredictions(jdbc, store);
    LiveMetricsService metrics = new LiveMetricsService(labeled, store, clock);
    if (!config.enabled()) {
      LOG.info("outcome joiner disabled (propensity.inference.outcomes.enabled=false)");
      return new LiveOutcomes(Optional.of(store), labeled, Optional.of(metrics), Optional.empty());
    }
    if (!features.enabled()) {
      LOG.info("outcome joiner off: no feature service to label outcomes");
      return new LiveOutcomes(Optional.of(store), labeled, Optional.of(metrics), Optional.empty());
    }
    ManagedChannel registryChannel = security.open(registry.target());
    OutcomeJoiner joiner =
        new OutcomeJoiner(
            store,
            new FeatureServiceOutcomeSource(
                new FeatureServiceClient(featureChannel, Duration.ofSeconds(30))),
            new RegistryLabelSpecs(new ModelRegistryClient(registryChannel, registry.deadline())),
            config.lag(),
            config.batchSize(),
            clock);
    OutcomeJob job =
        new OutcomeJob(joiner, metrics, config, meters, clock, registryChannel::shutdownNow);
    job.start();
    return new LiveOutcomes(Optional.of(store), labeled, Optional.of(metrics), Optional.of(job));
  }

  /**
   * Labelled served predictions (empty answers when the log is off): read by promotion policies.
   */
  @Singleton
  LabeledPredictions labeledPredictions(LiveOutcomes outcomes) {
    return outcomes.labeled();
  }
}
