package io.propensity.inference.shadow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.propensity.inference.config.InferenceConfiguration;
import io.propensity.inference.config.RegistryClientConfiguration;
import io.propensity.inference.predictionlog.PredictionRecorder;
import io.propensity.inference.reload.ModelLoader;
import io.propensity.inference.reload.ModelReloader;
import io.propensity.inference.reload.ModelSource;
import io.propensity.inference.reload.RefusalReason;
import io.propensity.inference.reload.ReloadListener;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires shadow scoring when {@code propensity.inference.shadow.enabled=true}: a second set of
 * served versions following the shadow alias, loaded, validated and hot-reloaded exactly like
 * production's (same loader, same refusals), and the scorer the endpoints hand answers to.
 */
@Factory
class ShadowFactory {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowFactory.class);

  /** Created with the context so that the shadow alias is followed from the start. */
  @Context
  @Requires(property = "propensity.inference.shadow.enabled", value = "true")
  @Bean(preDestroy = "close")
  ShadowScorer shadowScorer(
      ShadowConfiguration config,
      InferenceConfiguration inference,
      RegistryClientConfiguration registry,
      ModelSource source,
      ModelLoader loader,
      PredictionRecorder recorder,
      MeterRegistry meters,
      @Value("${propensity.inference.shadow.drain-interval:10ms}") Duration drainInterval) {
    if (config.aliases().contains(inference.alias())) {
      throw new IllegalArgumentException(
          "propensity.inference.shadow.aliases must not name propensity.inference.alias ('"
              + inference.alias()
              + "')");
    }
    if (recorder.log().isEmpty()) {
      throw new IllegalArgumentException(
          "propensity.inference.shadow.enabled=true needs the served-prediction log, where shadow"
              + " answers are written: set propensity.inference.prediction-log.enabled=true");
    }
    Map<String, ServedModels> shadows = new LinkedHashMap<>();
    for (String alias : config.aliases()) {
      shadows.put(alias, new ServedModels(inference.defaultModel()));
    }
    ShadowScorer scorer = new ShadowScorer(config, shadows, recorder, meters, drainInterval);
    List<ModelReloader> reloaders = new ArrayList<>();
    for (Map.Entry<String, ServedModels> alias : shadows.entrySet()) {
      ModelReloader reloader =
          new ModelReloader(
              source,
              loader,
              alias.getValue(),
              new ModelReloader.Settings(
                  alias.getKey(),
                  inference.modelsOrAll(),
                  registry.pollInterval(),
                  registry.reconnectInitialBackoff(),
                  registry.reconnectMaxBackoff()),
              new ShadowReloads(meters, alias.getKey()));
      scorer.stopFirst(reloader);
      reloaders.add(reloader);
    }
    LOG.info(
        "shadow scoring on: versions under alias(es) {} score {} of logged requests beside '{}',"
            + " {} thread(s) draining every {}, queue {}",
        config.aliases(),
        config.sampleRate(),
        inference.alias(),
        config.threads(),
        drainInterval,
        config.queueCapacity());
    reloaders.forEach(ModelReloader::start);
    return scorer;
  }

  /** Counts shadow loads ({@code propensity_shadow_reloads_total{outcome}}). */
  private static final class ShadowReloads implements ReloadListener {
    private final MeterRegistry meters;
    private final String alias;

    ShadowReloads(MeterRegistry meters, String alias) {
      this.meters = meters;
      this.alias = alias;
    }

    private void count(String outcome, String reason) {
      Counter.builder("propensity.shadow.reloads")
          .description("Attempts to load a shadow version, by outcome")
          .tag("alias", alias)
          .tag("outcome", outcome)
          .tag("reason", reason)
          .register(meters)
          .increment();
    }

    @Override
    public void loaded(ServedModel model, Duration took) {
      count("loaded", "none");
    }

    @Override
    public void refused(String name, long version, RefusalReason reason, String message) {
      count("refused", reason.tag());
    }

    @Override
    public void failed(String name, long version, String message) {
      count("failed", "none");
    }
  }
}
