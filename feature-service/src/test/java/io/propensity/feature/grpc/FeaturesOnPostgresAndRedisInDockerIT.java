package io.propensity.feature.grpc;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.propensity.common.testing.DockerBackends;
import io.propensity.common.testing.TestPostgres;

/** The whole feature service, through gRPC, on PostgreSQL and Redis in Docker containers (skipped without Docker). */
@MicronautTest(environments = "test")
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
