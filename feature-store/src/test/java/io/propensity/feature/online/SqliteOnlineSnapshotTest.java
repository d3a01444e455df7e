package io.propensity.feature.online;

import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.util.UUID;

/** Online-state snapshots over the embedded SQLite event store. */
class SqliteOnlineSnapshotTest extends OnlineSnapshotContract {
  private String file;

  @Override
  protected EventStore openEmpty() {
    file = dir.resolve("events-" + UUID.randomUUID() + ".db").toString();
    return reopen();
  }

  @Override
  protected EventStore reopen() {
    return JdbcEventStore.open("jdbc:sqlite:" + file, "", "", 4);
  }
}
