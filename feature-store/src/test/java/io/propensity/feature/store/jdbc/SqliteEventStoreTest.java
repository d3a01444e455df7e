package io.propensity.feature.store.jdbc;

import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.EventStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The event store contract on the embedded SQLite backend. */
class SqliteEventStoreTest extends EventStoreContract {
  @TempDir Path dir;

  @Override
  protected EventStore openEmpty() {
    return reopen();
  }

  @Override
  protected EventStore reopen() {
    return JdbcEventStore.open("jdbc:sqlite:" + dir.resolve("events.db"), "", "", 4);
  }
}
