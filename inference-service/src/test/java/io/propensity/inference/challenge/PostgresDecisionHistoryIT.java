package io.propensity.inference.challenge;

import io.propensity.common.testing.TestPostgres;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import org.junit.jupiter.api.AfterEach;

/** The shared promotion history on PostgreSQL (PROPENSITY_TEST_PG_*), two replicas on it. */
class PostgresDecisionHistoryIT extends DecisionHistoryContract {
  private TestPostgres.Database db;

  @Override
  protected JdbcPredictionLogStore openEmpty() {
    db = TestPostgres.freshSchema(TestPostgres.configured());
    return openAgain();
  }

  @Override
  protected JdbcPredictionLogStore openAgain() {
    return JdbcPredictionLogStore.open(db.jdbcUrl(), db.user(), db.password());
  }

  @AfterEach
  void dropSchema() {
    if (db != null) {
      TestPostgres.drop(db);
    }
  }
}
