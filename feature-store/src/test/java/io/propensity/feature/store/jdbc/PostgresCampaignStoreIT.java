package io.propensity.feature.store.jdbc;

import io.propensity.common.testing.TestPostgres;
import io.propensity.feature.campaign.CampaignStore;
import io.propensity.feature.campaign.CampaignStoreContract;
import io.propensity.feature.store.EventStore;
import org.junit.jupiter.api.AfterEach;

/** The campaign store contract on a real PostgreSQL server (the configured one). */
class PostgresCampaignStoreIT extends CampaignStoreContract {
  private TestPostgres.Database db;

  @Override
  protected EventStore openEmpty() {
    db = TestPostgres.freshSchema(TestPostgres.configured());
    return reopen();
  }

  @Override
  protected EventStore reopen() {
    return JdbcEventStore.open(db.jdbcUrl(), db.user(), db.password(), 4);
  }

  @Override
  protected CampaignStore campaignsOf(EventStore events) {
    return ((JdbcEventStore) events).campaigns();
  }

  @AfterEach
  void dropSchema() {
    if (db != null) {
      TestPostgres.drop(db);
    }
  }
}
