package io.propensity.inference.drift;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.propensity.inference.config.InferenceConfiguration;
import io.propensity.inference.predictionlog.PredictionLog;
import io.propensity.inference.predictionlog.PredictionRecorder;
import io.propensity.inference.reload.ModelSource;
import io.propensity.inference.reload.ModelSourceException;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.shadow.ShadowConfiguration;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires drift monitoring from {@link DriftConfiguration}. */
@Factory
class DriftFactory {
  private static final Logger LOG = LoggerFactory.getLogger(DriftFactory.class);

  @Singleton
  DriftAnalyzer driftAnalyzer(
      DriftConfiguration config, PredictionRecorder recorder, ModelSource source) {
    return new DriftAnalyzer(
        recorder.log().map(PredictionLog::store),
        new ReferenceLookup(source, config.reportMaxBytes()),
        config.minRows(),
        config.maxRows());
  }

  @Singleton
  DriftService driftService(
      DriftAnalyzer analyzer,
      DriftConfiguration config,
      ModelSource source,
      InferenceConfiguration inference,
      @Named("inference") Clock clock) {
    return new DriftService(analyzer, source, inference.alias(), config.window(), clock);
  }

  @Context
  @Bean(preDestroy = "close")
  DriftMonitor driftMonitor(
      DriftAnalyzer analyzer,
      DriftConfiguration config,
      ServedModels served,
      MeterRegistry meters,
      @Named("inference") Clock clock,
      InferenceConfiguration inference,
      ShadowConfiguration shadow,
      ModelSource source) {
    Supplier<List<DriftMonitor.ShadowVersion>> shadows = List::of;
    if (shadow.enabled()) {
      shadows =
          () -> {
            List<DriftMonitor.ShadowVersion> out = new ArrayList<>();
            for (ServedModel m : served.current()) {
              for (String alias : shadow.aliases()) {
                OptionalLong v;
                try {
                  v = source.aliasVersion(m.name(), alias);
                } catch (ModelSourceException e) {
                  LOG.debug(
                      "drift: alias '{}' of {} not resolved: {}", alias, m.name(), e.toString());
                  continue;
                }
                if (v.isPresent()) {
                  out.add(new DriftMonitor.ShadowVersion(m.name(), v.getAsLong(), alias));
                }
              }
            }
            return out;
          };
    }
    DriftMonitor monitor =
        new DriftMonitor(
            analyzer, served, inference.alias(), shadows, config.window(), meters, clock);
    if (config.enabled()) {
      LOG.info(
          "drift monitor: every {} over the last {}, PSI published from {} rows",
          config.interval(),
          config.window(),
          config.minRows());
      monitor.start(config.interval());
    } else {
      LOG.info("drift monitor disabled (propensity.inference.drift.enabled=false)");
    }
    return monitor;
  }
}
