package io.propensity.feature.store.jdbc;

import io.propensity.common.testing.DockerBackends;
import io.propensity.common.testing.TestPostgres;

/** The event store contract on PostgreSQL in a Docker container (skipped without Docker). */
class PostgresEventStoreInDockerIT extends PostgresEventStoreIT {
  @Override
  protected TestPostgres.Server server() {
    return DockerBackends.postgres();
  }
}
