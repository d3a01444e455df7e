package io.propensity.training.registry.jdbc;

import io.propensity.common.testing.TestPostgres;
import io.propensity.training.registry.ModelRegistryContract;
import io.propensity.training.registry.RegistryStore;
import org.junit.jupiter.api.AfterEach;

/**
 * The registry contract on a real PostgreSQL server (the configured one; see the subclass for
 * Docker).
 */
class PostgresModelRegistryIT extends ModelRegistryContract {
  private TestPostgres.Database db;

  /** Where the server is. */
  protected TestPostgres.Server server() {
    return TestPostgres.configured();
  }

  @Override
  protected RegistryStore openStore() {
    if (db == null) {
      db = TestPostgres.freshSchema(server());
    }
    return JdbcRegistryStore.open(db.jdbcUrl(), db.user(), db.password(), 4);
  }

  @Override
  protected void overwriteStoredDetails(String name, long version, String text) {
    new RegistryDatabase(db.jdbcUrl(), db.user(), db.password())
        .overwriteDetails(name, version, text);
  }

  @AfterEach
  void dropSchema() {
    closeRegistries(); // runs before the contract's own @AfterEach; nothing may poll a dropped
    // schema
    if (db != null) {
      TestPostgres.drop(db);
    }
  }
}
