package io.propensity.inference.config;

import io.grpc.ManagedChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.inference.explain.FactorDescriber;
import io.propensity.inference.grpc.ServingHealth;
import io.propensity.inference.live.LiveScoring;
import io.propensity.inference.live.LiveStateFeatureSource;
import io.propensity.inference.live.LiveUserStates;
import io.propensity.inference.live.StateSeeder;
import io.propensity.inference.live.UserHistorySource;
import io.propensity.inference.online.FeatureServiceFeatureSource;
import io.propensity.inference.online.FeatureServiceUsers;
import io.propensity.inference.ranking.TargetRanker;
import io.propensity.inference.ranking.UserDirectory;
import io.propensity.inference.registry.GrpcModelSource;
import io.propensity.inference.reload.ModelLoader;
import io.propensity.inference.reload.ModelReloader;
import io.propensity.inference.reload.ModelSource;
import io.propensity.inference.reload.ReloadMetrics;
import io.propensity.inference.reload.ScorerKind;
import io.propensity.inference.scoring.ColdStartPolicy;
import io.propensity.inference.scoring.InputResolver;
import io.propensity.inference.scoring.OnlineFeatureSource;
import io.propensity.inference.scoring.RowScorer;
import io.propensity.inference.scoring.Scorer;
import io.propensity.inference.scoring.ScoringMetrics;
import io.propensity.inference.serving.ServedModels;
import io.propensity.runtime.signing.TrustedModelKeys;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the inference service's domain objects from configuration. */
@Factory
class InferenceServiceFactory {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceServiceFactory.class);

  @Singleton
  @Named("inference")
  Clock clock() {
    return Clock.systemUTC();
  }

  @Singleton
  FeatureSchema featureSchema() {
    return FeatureCatalog.schema();
  }

  @Singleton
  ReloadMetrics reloadMetrics(MeterRegistry registry) {
    return new ReloadMetrics(registry);
  }

  @Singleton
  ScoringMetrics scoringMetrics(MeterRegistry registry) {
    return new ScoringMetrics(registry);
  }

  @Singleton
  @Bean(preDestroy = "close")
  ServedModels servedModels(
      InferenceConfiguration config, @Nullable HealthStatusManager health, ReloadMetrics metrics) {
    ServedModels served = new ServedModels(config.defaultModel());
    served.addListener(new ServingHealth(health, config.defaultModel()));
    served.addListener(metrics);
    return served;
  }

  @Singleton
  @Bean(preDestroy = "close")
  ModelSource modelSource(RegistryClientConfiguration config, ChannelSecurity security) {
    return GrpcModelSource.connect(
        config.target(), security, config.deadline(), config.downloadDeadline());
  }

  @Singleton
  ModelLoader modelLoader(
      InferenceConfiguration config,
      FeatureSchema schema,
      @Named("inference") Clock clock,
      MeterRegistry meters) {
    ScorerKind scorer = config.scorerKind();
    LOG.info(
        "scoring and explaining with the {} scorer{}",
        scorer.value(),
        scorer == ScorerKind.JAVA ? " (no native library)" : " (LightGBM's native library)");
    Gauge.builder("propensity.inference.scorer", () -> 1)
        .description("The scorer serving every model (tag scorer: java or native); always 1")
        .tag("scorer", scorer.value())
        .register(meters);
    return new ModelLoader(
        schema,
        new ModelLoader.Settings(
            config.effectiveScorersPerModel(),
            config.goldenTolerance(),
            config.maxArtifactBytes(),
            Math.max(1, config.warmUpRounds())),
        ModelLoader.loaderOf(scorer, config.scoringThreads()),
        clock,
        trustedModelKeys(config));
  }

  /** The keys model signatures are verified with; empty (and said once) when none is configured. */
  private static Optional<TrustedModelKeys> trustedModelKeys(InferenceConfiguration config) {
    if (config.trustedModelKeyFiles().isEmpty()) {
      LOG.warn(
          "model signatures are NOT verified: any version the registry serves is loaded. Set"
              + " propensity.inference.trusted-model-keys (PROPENSITY_INFERENCE_TRUSTED_MODEL_KEYS)"
              + " to the registry's public key file to load signed versions only");
      return Optional.empty();
    }
    TrustedModelKeys keys = TrustedModelKeys.fromPemFiles(config.trustedModelKeyFiles());
    LOG.info(
        "loading only model versions signed by key {} ({})",
        keys.keyIds(),
        config.trustedModelKeyFiles());
    return Optional.of(keys);
  }

  /** Created with the context so that watching the registry starts before the server listens. */
  @Context
  @Bean(preDestroy = "close")
  ModelReloader modelReloader(
      ModelSource source,
      ModelLoader loader,
      ServedModels served,
      InferenceConfiguration config,
      RegistryClientConfiguration registry,
      ReloadMetrics metrics) {
    ModelReloader reloader =
        new ModelReloader(
            source,
            loader,
            served,
            new ModelReloader.Settings(
                config.alias(),
                config.modelsOrAll(),
                registry.pollInterval(),
                registry.reconnectInitialBackoff(),
                registry.reconnectMaxBackoff()),
            metrics);
    LOG.info(
        "following alias '{}' of {} in the registry at {}; default model '{}'",
        config.alias(),
        config.modelsOrAll().isEmpty() ? "every model" : config.modelsOrAll(),
        registry.target(),
        config.defaultModel());
    reloader.start();
    return reloader;
  }

  @Singleton
  @Named("feature-service")
  @Bean(preDestroy = "shutdownNow")
  ManagedChannel featureServiceChannel(
      FeatureServiceConfiguration config, ChannelSecurity security) {
    return security.open(config.target());
  }

  @Singleton
  OnlineFeatureSource onlineFeatures(
      @Named("feature-service") ManagedChannel channel,
      FeatureServiceConfiguration config,
      LiveUserStates states,
      @Named("inference") Clock clock) {
    if (!config.enabled()) {
      LOG.warn(
          "no feature service (propensity.inference.feature-service.enabled=false): by-user scoring and"
              + " ranking use this replica's live stream state; stream state starts empty");
      return new LiveStateFeatureSource(states, clock);
    }
    return new FeatureServiceFeatureSource(
        channel, config.target(), config.deadline(), config.retryAfter(), config.maxUsersPerCall());
  }

  /** Users and stored histories from the feature service; no bean when none is configured. */
  @Singleton
  @Requires(property = "propensity.inference.feature-service.enabled", notEquals = "false")
  FeatureServiceUsers featureServiceUsers(
      @Named("feature-service") ManagedChannel channel,
      FeatureServiceConfiguration config,
      StreamConfiguration stream) {
    return new FeatureServiceUsers(
        channel,
        config.target(),
        config.readDeadline(),
        config.retryAfter(),
        stream.seedMaxEvents());
  }

  @Singleton
  EventValidator eventValidator(@Named("inference") Clock clock) {
    return new EventValidator(clock);
  }

  @Singleton
  RowScorer rowScorer(FeatureSchema schema) {
    return new RowScorer(new FactorDescriber(schema));
  }

  @Singleton
  Scorer scorer(
      ServedModels served,
      OnlineFeatureSource features,
      FeatureSchema schema,
      EventValidator validator,
      @Named("inference") Clock clock,
      RowScorer rows,
      InferenceConfiguration config,
      ScoringMetrics metrics) {
    return new Scorer(
        served,
        features,
        new InputResolver(schema, validator, clock),
        rows,
        ColdStartPolicy.parse(config.coldStart()),
        metrics);
  }

  @Singleton
  LiveUserStates liveUserStates(
      StreamConfiguration config,
      FeatureServiceConfiguration featureService,
      Optional<FeatureServiceUsers> users,
      @Named("inference") Clock clock,
      MeterRegistry registry,
      ScoringMetrics metrics) {
    StateSeeder seeder =
        new StateSeeder(
            users.map(UserHistorySource.class::cast),
            featureService.retryAfter(),
            clock,
            metrics::seeded);
    LiveUserStates states =
        new LiveUserStates(
            new LiveUserStates.Settings(
                config.maxUsers(), config.maxStateBytes(), config.idleTimeout()),
            clock,
            seeder);
    Gauge.builder("propensity.inference.stream.users", states, LiveUserStates::size)
        .description("Users with live StreamPredict state")
        .register(registry);
    Gauge.builder("propensity.inference.stream.state.bytes", states, LiveUserStates::estimatedBytes)
        .description("Estimated bytes of live StreamPredict state")
        .register(registry);
    return states;
  }

  @Singleton
  LiveScoring liveScoring(
      ServedModels served,
      LiveUserStates states,
      EventValidator validator,
      RowScorer rows,
      ScoringMetrics metrics) {
    return new LiveScoring(served, states, validator, rows, metrics);
  }

  /** Runs the feature reads of rankings, a few ahead of the chunk being scored. */
  @Singleton
  @Named("rank-fetch")
  @Bean(preDestroy = "shutdownNow")
  ExecutorService rankFetchPool(RankingConfiguration ranking) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        ranking.fetchParallelism(),
        r -> {
          Thread t = new Thread(r, "rank-fetch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  @Singleton
  TargetRanker targetRanker(
      ServedModels served,
      OnlineFeatureSource features,
      RowScorer rows,
      LiveUserStates states,
      ScoringMetrics metrics,
      FeatureServiceConfiguration config,
      RankingConfiguration ranking,
      @Named("feature-service") ManagedChannel channel,
      @Named("rank-fetch") ExecutorService fetchPool,
      StreamConfiguration stream) {
    // A ranking reads the feature service in bulk: its calls get the ranking deadline, not the
    // short one of a single Predict, and its ListUsers pages are larger.
    OnlineFeatureSource rankFeatures =
        config.enabled()
            ? new FeatureServiceFeatureSource(
                channel,
                config.target(),
                ranking.deadline(),
                config.retryAfter(),
                config.maxUsersPerCall())
            : features;
    Optional<UserDirectory> directory =
        config.enabled()
            ? Optional.of(
                new FeatureServiceUsers(
                    channel,
                    config.target(),
                    ranking.deadline(),
                    config.retryAfter(),
                    stream.seedMaxEvents()))
            : Optional.empty();
    LOG.info(
        "RankTargets reads ListUsers pages of {} users and GetOnlineFeatures chunks of {}, {} in"
            + " flight, deadline {} per call",
        ranking.pageSize(),
        config.maxUsersPerCall(),
        ranking.fetchParallelism(),
        ranking.deadline());
    return new TargetRanker(
        served,
        rankFeatures,
        rows,
        directory,
        states::userIds,
        metrics,
        new TargetRanker.Fetching(
            ranking.pageSize(), config.maxUsersPerCall(), ranking.fetchParallelism()),
        // the caller's gRPC context (deadline, cancellation) goes with each read
        io.grpc.Context.currentContextExecutor(fetchPool));
  }
}
