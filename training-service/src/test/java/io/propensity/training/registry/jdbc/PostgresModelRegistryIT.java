package io.propensity.training.registry.jdbc;

import io.propensity.common.testing.TestPostgres;
import io.propensity.training.registry.ModelRegistryContract;
import io.propensity.training.registry.RegistryStore;
import org.junit.jupiter.api.AfterEach;

/** The registry contract on a real PostgreSQL server. */
class PostgresModelRegistryIT extends ModelRegistryContract {
  private TestPostgres.Database db;

  @Override
  protected RegistryStore openStore() {
    if (db == null) {
      db = TestPostgres.freshSchema();
    }
    return JdbcRegistryStore.open(db.jdbcUrl(), db.user(), db.password(), 4);
  }

  @AfterEach
  void dropSchema() {
    closeRegistries(); // runs before the contract's own @AfterEach; nothing may poll a dropped schema
    if (db != null) {
      TestPostgres.drop(db);
    }
  }
}
