package io.propensity.inference.predictionlog.jdbc;

import io.propensity.common.testing.TestPostgres;
import io.propensity.inference.predictionlog.PredictionLogStore;
import io.propensity.inference.predictionlog.PredictionLogStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The served-prediction log contract on a real PostgreSQL server (PROPENSITY_TEST_PG_*). */
class PostgresPredictionLogStoreIT extends PredictionLogStoreContract {
  private TestPostgres.Database db;

  @Override
  protected PredictionLogStore openEmpty() {
    db = TestPostgres.freshSchema(TestPostgres.configured());
    return JdbcPredictionLogStore.open(db.jdbcUrl(), db.user(), db.password());
  }

  @AfterEach
  void dropSchema() {
    if (db != null) {
      TestPostgres.drop(db);
    }
  }
}
