package io.propensity.training.registry.jdbc;

import io.propensity.training.registry.ModelRegistryContract;
import io.propensity.training.registry.RegistryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract on the embedded SQLite backend. */
class SqliteModelRegistryTest extends ModelRegistryContract {
  @TempDir Path dir;

  private RegistryDatabase database() {
    return new RegistryDatabase("jdbc:sqlite:" + dir.resolve("registry.db"), "", "");
  }

  @Override
  protected RegistryStore openStore() {
    return JdbcRegistryStore.open(database().jdbcUrl(), "", "", 4);
  }

  @Override
  protected void overwriteStoredDetails(String name, long version, String text) {
    database().overwriteDetails(name, version, text);
  }
}
