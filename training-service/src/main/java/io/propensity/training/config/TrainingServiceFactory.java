package io.propensity.training.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.training.jobs.JobManager;
import io.propensity.training.jobs.JobState;
import io.propensity.training.pipeline.TrainingPipeline;
import io.propensity.training.publish.RegistryModelPublisher;
import io.propensity.training.registry.ModelRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import propensity.training.v1.TrainingSpec;

/**
 * Wires the training side of the service: pipeline, job manager, publisher, feature-service client.
 */
@Factory
class TrainingServiceFactory {

  @Singleton
  @Bean(preDestroy = "close")
  FeatureServiceClient featureServiceClient(
      TrainingConfiguration config, ChannelSecurity security) {
    return FeatureServiceClient.connect(config.featureService(), security, Duration.ofSeconds(30));
  }

  @Singleton
  @Bean(preDestroy = "close")
  JobManager<TrainingSpec> jobManager(
      ModelRegistry registry, TrainingConfiguration config, MeterRegistry meters) {
    JobManager<TrainingSpec> jobs =
        new JobManager<>(
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "training-job");
                  t.setDaemon(true);
                  return t;
                }),
            new TrainingPipeline(),
            new RegistryModelPublisher(registry),
            Clock.systemUTC(),
            config.maxQueuedJobs());
    for (JobState s : JobState.values()) {
      Gauge.builder("propensity.training.jobs", jobs, j -> j.counts().get(s))
          .tag("state", s.name().toLowerCase())
          .description("Training jobs known to this process, by state")
          .register(meters);
    }
    return jobs;
  }
}
