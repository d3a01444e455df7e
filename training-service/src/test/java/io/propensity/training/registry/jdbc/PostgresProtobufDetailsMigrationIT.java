package io.propensity.training.registry.jdbc;

import io.propensity.common.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;

/** The upgrade of details stored as protobuf, on a real PostgreSQL server. */
class PostgresProtobufDetailsMigrationIT extends ProtobufDetailsMigrationContract {
  private TestPostgres.Database db;

  @Override
  protected RegistryDatabase emptyDatabase() {
    db = TestPostgres.freshSchema(TestPostgres.configured());
    return new RegistryDatabase(db.jdbcUrl(), db.user(), db.password());
  }

  @AfterEach
  void dropSchema() {
    if (db != null) {
      TestPostgres.drop(db);
    }
  }
}
