package io.propensity.training.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.client.FeatureServiceClient;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.engine.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** A real feature-service process (the built jar) holding the given events, for job ITs. */
final class FeatureServiceWithEvents {
  private FeatureServiceWithEvents() {}

  /**
   * Starts feature-service on a fresh data directory under {@code target/} and ingests {@code
   * events}; skips the calling test when the jar is not built.
   */
  static ServiceProcess start(String name, Iterator<Event> events) {
    Path jar = ServiceProcess.builtJarOf("feature-service").orElse(null);
    Assumptions.assumeTrue(jar != null, "feature-service jar not built: run `mvn package` first");
    try {
      Path dir = Files.createTempDirectory(Path.of("target"), name);
      ServiceProcess featureService =
          ServiceProcess.of(
              jar,
              Map.of("PROPENSITY_DATA_DIR", dir.resolve("data").toString()),
              List.of("-Xmx384m"),
              dir.resolve("feature-service.log"));
      featureService.start(Duration.ofSeconds(60));
      try (FeatureServiceClient client =
          FeatureServiceClient.connect(
              "127.0.0.1:" + featureService.grpcPort(), Duration.ofSeconds(30))) {
        var summary = client.ingest(events, 1000, Duration.ofMinutes(5), n -> {});
        assertThat(summary.getRejectedCount()).isZero();
      }
      return featureService;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
