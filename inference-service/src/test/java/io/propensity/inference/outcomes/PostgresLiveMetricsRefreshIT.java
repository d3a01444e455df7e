package io.propensity.inference.outcomes;

import io.propensity.common.testing.TestPostgres;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import org.junit.jupiter.api.AfterEach;

/** Incremental live metrics on PostgreSQL (PROPENSITY_TEST_PG_*). */
class PostgresLiveMetricsRefreshIT extends LiveMetricsRefreshContract {
  private TestPostgres.Database db;

  @Override
  protected JdbcPredictionLogStore openEmpty() {
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
