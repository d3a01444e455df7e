package io.propensity.training.registry.jdbc;

import io.propensity.common.testing.DockerBackends;
import io.propensity.common.testing.TestPostgres;

/** The registry contract on PostgreSQL in a Docker container (skipped without Docker). */
class PostgresModelRegistryInDockerIT extends PostgresModelRegistryIT {
  @Override
  protected TestPostgres.Server server() {
    return DockerBackends.postgres();
  }
}
