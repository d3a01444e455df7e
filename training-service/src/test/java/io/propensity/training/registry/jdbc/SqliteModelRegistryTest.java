package io.propensity.training.registry.jdbc;

import io.propensity.training.registry.ModelRegistryContract;
import io.propensity.training.registry.RegistryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract on the embedded SQLite backend. */
class SqliteModelRegistryTest extends ModelRegistryContract {
  @TempDir Path dir;

  @Override
  protected RegistryStore openStore() {
    return JdbcRegistryStore.open("jdbc:sqlite:" + dir.resolve("registry.db"), "", "", 4);
  }
}
