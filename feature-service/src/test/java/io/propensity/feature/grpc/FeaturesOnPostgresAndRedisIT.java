package io.propensity.feature.grpc;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.common.testing.TestPostgres;
import io.propensity.common.testing.TestRedis;
import java.util.Map;
import java.util.UUID;

/** The whole feature service, through gRPC, on its production backends: PostgreSQL and Redis. */
@MicronautTest(environments = "test")
class FeaturesOnPostgresAndRedisIT extends FeaturesGrpcTest implements TestPropertyProvider {
  @Override
  public Map<String, String> getProperties() {
    TestPostgres.Database db = TestPostgres.freshSchema();
    return Map.of(
        "propensity.store.jdbc-url", db.jdbcUrl(),
        "propensity.store.user", db.user(),
        "propensity.store.password", db.password(),
        "propensity.online.backend", "redis",
        "propensity.online.redis-url", TestRedis.url(),
        "propensity.online.redis-key-prefix", "it:" + UUID.randomUUID() + ":");
  }
}
