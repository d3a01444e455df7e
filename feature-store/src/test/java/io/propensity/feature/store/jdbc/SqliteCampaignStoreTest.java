package io.propensity.feature.store.jdbc;

import io.propensity.feature.campaign.CampaignStore;
import io.propensity.feature.campaign.CampaignStoreContract;
import io.propensity.feature.store.EventStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The campaign store contract on the embedded SQLite backend. */
class SqliteCampaignStoreTest extends CampaignStoreContract {
  @TempDir Path dir;

  @Override
  protected EventStore openEmpty() {
    return reopen();
  }

  @Override
  protected EventStore reopen() {
    return JdbcEventStore.open("jdbc:sqlite:" + dir.resolve("events.db"), "", "", 4);
  }

  @Override
  protected CampaignStore campaignsOf(EventStore events) {
    return ((JdbcEventStore) events).campaigns();
  }
}
