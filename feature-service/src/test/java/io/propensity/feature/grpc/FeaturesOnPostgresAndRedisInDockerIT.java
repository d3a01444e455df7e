package io.propensity.feature.grpc;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.propensity.common.testing.DockerBackends;
import io.propensity.common.testing.TestPostgres;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The whole feature service, through gRPC, on PostgreSQL and Redis in Docker containers (skipped
 * without Docker).
 */
@MicronautTest(environments = "test")
// decided before Micronaut asks for the properties, so the skip is reported with its reason
@EnabledIf(
    value = "io.propensity.common.testing.DockerBackends#dockerAvailable",
    disabledReason =
        "Docker not available: no engine answers (DOCKER_HOST or /var/run/docker.sock)")
class FeaturesOnPostgresAndRedisInDockerIT extends FeaturesOnPostgresAndRedisIT {
  @Override
  protected TestPostgres.Server postgres() {
    return DockerBackends.postgres();
  }

  @Override
  protected String redisUrl() {
    return DockerBackends.redisUrl();
  }
}
