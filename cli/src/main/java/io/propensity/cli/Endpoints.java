package io.propensity.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the services are, shared by the commands that talk to them. */
final class Endpoints {
  @Option(
      names = "--feature-service",
      defaultValue = "${env:PROPENSITY_FEATURE_SERVICE:-127.0.0.1:50051}",
      description = "feature-service gRPC address host:port (env PROPENSITY_FEATURE_SERVICE; default ${DEFAULT-VALUE})")
  String featureService;

  @Option(
      names = "--deadline",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "deadline of each call, e.g. 10s, 2m (default ${DEFAULT-VALUE})")
  Duration deadline;
}
