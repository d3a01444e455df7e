package io.propensity.training.registry.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The upgrade of details stored as protobuf, on the embedded SQLite backend. */
class SqliteProtobufDetailsMigrationTest extends ProtobufDetailsMigrationContract {
  @TempDir Path dir;

  @Override
  protected RegistryDatabase emptyDatabase() {
    return new RegistryDatabase("jdbc:sqlite:" + dir.resolve("registry.db"), "", "");
  }
}
