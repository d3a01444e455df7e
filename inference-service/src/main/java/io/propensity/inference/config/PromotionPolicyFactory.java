package io.propensity.inference.config;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.inference.challenge.DecisionHistory;
import io.propensity.inference.challenge.PromotionPolicy;
import io.propensity.inference.challenge.PromotionScheduler;
import io.propensity.inference.challenge.jdbc.JdbcDecisionHistory;
import io.propensity.inference.outcomes.LabeledPredictions;
import io.propensity.inference.predictionlog.PredictionLog;
import io.propensity.inference.predictionlog.PredictionRecorder;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import io.propensity.inference.registry.GrpcModelAliases;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the promotion policy when {@code propensity.inference.promotion-policy.enabled=true} and
 * the outcome join provides {@link LabeledPredictions}.
 */
@Factory
@Requires(property = "propensity.inference.promotion-policy.enabled", value = "true")
class PromotionPolicyFactory {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionPolicyFactory.class);

  @Singleton
  @Named("promotion-registry")
  @Bean(preDestroy = "shutdownNow")
  ManagedChannel promotionRegistryChannel(
      RegistryClientConfiguration registry, ChannelSecurity security) {
    return security.open(registry.target());
  }

  @Singleton
  @Requires(beans = LabeledPredictions.class)
  PromotionPolicy promotionPolicy(
      LabeledPredictions outcomes,
      @Named("promotion-registry") ManagedChannel channel,
      RegistryClientConfiguration registry,
      InferenceConfiguration inference,
      PromotionPolicyConfiguration config,
      @Named("inference") Clock clock,
      MeterRegistry meters,
      PredictionRecorder recorder,
      @Value("${propensity.inference.promotion-policy.replica-id:}") String replicaId) {
    Optional<DecisionHistory> history =
        recorder
            .log()
            .map(PredictionLog::store)
            .filter(JdbcPredictionLogStore.class::isInstance)
            .map(s -> new JdbcDecisionHistory(((JdbcPredictionLogStore) s).dataSource()));
    String replica =
        replicaId == null || replicaId.isBlank()
            ? ManagementFactory.getRuntimeMXBean().getName()
            : replicaId.trim();
    if (history.isPresent()) {
      LOG.info(
          "promotion decisions are shared in the served-prediction log's database; this replica"
              + " decides as '{}' the runs it claims",
          replica);
    } else {
      LOG.info(
          "promotion decisions stay in this replica's memory: the served-prediction log is off");
    }
    return new PromotionPolicy(
        outcomes,
        new GrpcModelAliases(channel, registry.deadline()),
        config.settings(inference.alias()),
        clock,
        meters,
        history,
        replica,
        config.interval());
  }

  @Context
  @Requires(beans = PromotionPolicy.class)
  @Bean(preDestroy = "close")
  PromotionScheduler promotionScheduler(
      PromotionPolicy policy,
      PromotionPolicyConfiguration config,
      InferenceConfiguration inference) {
    List<String> models =
        config.models().isEmpty() ? List.of(inference.defaultModel()) : config.models();
    LOG.info(
        "promotion policy on for {}: every {}, {} window, {} on {} paired outcomes ({} positives)"
            + " at least, margin {}, significance {}",
        models,
        config.interval(),
        config.window(),
        config.metric(),
        config.minPairedOutcomes(),
        config.minPositives(),
        config.margin(),
        config.significance());
    PromotionScheduler scheduler = new PromotionScheduler(policy, models, config.interval());
    scheduler.start();
    return scheduler;
  }
}
