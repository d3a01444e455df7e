package io.propensity.training.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.training.jobs.JobClaims;
import io.propensity.training.jobs.JobManager;
import io.propensity.training.jobs.JobState;
import io.propensity.training.pipeline.TrainingPipeline;
import io.propensity.training.publish.RegistryModelPublisher;
import io.propensity.training.registry.JobRequestClaim;
import io.propensity.training.registry.ModelRegistry;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
            config.maxQueuedJobs(),
            registryClaims(registry));
    for (JobState s : JobState.values()) {
      Gauge.builder("propensity.training.jobs", jobs, j -> j.counts().get(s))
          .tag("state", s.name().toLowerCase())
          .description("Training jobs known to this process, by state")
          .register(meters);
    }
    return jobs;
  }

  /**
   * Request ids claimed in the registry database, which every training-service replica shares, as
   * this replica (host name and process id, as in the logs).
   */
  static JobClaims registryClaims(ModelRegistry registry) {
    String replica = replicaName();
    return (requestId, jobId) -> {
      JobRequestClaim c = registry.claimJobRequest(requestId, jobId, replica);
      return new JobClaims.Holder(c.jobId(), c.replica());
    };
  }

  private static String replicaName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid();
  }
}
