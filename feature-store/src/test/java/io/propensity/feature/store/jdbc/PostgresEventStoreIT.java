package io.propensity.feature.store.jdbc;

import io.propensity.common.testing.TestPostgres;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.EventStoreContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The event store contract on a real PostgreSQL server (the configured one; see the subclass for
 * Docker).
 */
class PostgresEventStoreIT extends EventStoreContract {
  private TestPostgres.Database db;

  /** Where the server is. */
  protected TestPostgres.Server server() {
    return TestPostgres.configured();
  }

  @Override
  protected EventStore openEmpty() {
    db = TestPostgres.freshSchema(server());
    return reopen();
  }

  @Override
  protected EventStore reopen() {
    return JdbcEventStore.open(db.jdbcUrl(), db.user(), db.password(), 4);
  }

  @AfterEach
  void dropSchema() {
    if (db != null) {
      TestPostgres.drop(db);
    }
  }
}
