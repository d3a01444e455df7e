package io.propensity.feature.online;

import io.propensity.common.testing.TestPostgres;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Online-state snapshots over a PostgreSQL event store (the configured server). */
class PostgresOnlineSnapshotIT extends OnlineSnapshotContract {
  private final List<TestPostgres.Database> dbs = new ArrayList<>();

  @Override
  protected EventStore openEmpty() {
    dbs.add(TestPostgres.freshSchema(TestPostgres.configured()));
    return reopen();
  }

  @Override
  protected EventStore reopen() {
    TestPostgres.Database db = dbs.get(dbs.size() - 1);
    return JdbcEventStore.open(db.jdbcUrl(), db.user(), db.password(), 4);
  }

  @AfterEach
  void dropSchemas() {
    if (events != null) {
      events.close();
      events = null;
    }
    dbs.forEach(TestPostgres::drop);
  }
}
