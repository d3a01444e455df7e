package io.propensity.feature.grpc;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.common.testing.TestPostgres;
import io.propensity.common.testing.TestRedis;
import java.util.Map;
import java.util.UUID;

/**
 * The whole feature service, through gRPC, on its production backends: PostgreSQL and Redis (the
 * configured servers; see the subclass for Docker).
 */
@MicronautTest(environments = "test")
class FeaturesOnPostgresAndRedisIT extends FeaturesGrpcTest implements TestPropertyProvider {
  /** Where PostgreSQL is. */
  protected TestPostgres.Server postgres() {
    return TestPostgres.configured();
  }

  /** Where Redis is. */
  protected String redisUrl() {
    return TestRedis.url();
  }

  @Override
  public Map<String, String> getProperties() {
    TestPostgres.Database db = TestPostgres.freshSchema(postgres());
    return Map.of(
        "propensity.store.jdbc-url", db.jdbcUrl(),
        "propensity.store.user", db.user(),
        "propensity.store.password", db.password(),
        "propensity.online.backend", "redis",
        "propensity.online.redis-url", redisUrl(),
        "propensity.online.redis-key-prefix", "it:" + UUID.randomUUID() + ":");
  }
}
