package io.propensity.feature.grpc;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.common.testing.TestPostgres;
import java.util.Map;

/** GetOutcomes on the PostgreSQL event store: the same specification as the embedded store. */
@MicronautTest(environments = "test")
class OutcomesOnPostgresIT extends OutcomesGrpcTest implements TestPropertyProvider {
  @Override
  public Map<String, String> getProperties() {
    TestPostgres.Database db = TestPostgres.freshSchema(TestPostgres.configured());
    return Map.of(
        "propensity.store.jdbc-url", db.jdbcUrl(),
        "propensity.store.user", db.user(),
        "propensity.store.password", db.password());
  }
}
