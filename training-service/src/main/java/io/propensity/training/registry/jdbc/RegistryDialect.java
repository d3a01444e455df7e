package io.propensity.training.registry.jdbc;

/** The SQL engines the registry runs on; they differ only in migrations and locking. */
public enum RegistryDialect {
  /** Embedded default: one file, WAL journal, fsync on every commit. */
  SQLITE("db/registry/sqlite"),
  /** Production backend, shared by every registry process. */
  POSTGRESQL("db/registry/postgresql");

  private final String migrations;

  RegistryDialect(String migrations) {
    this.migrations = migrations;
  }

  /** Classpath folder of this dialect's Flyway migrations. */
  public String migrationsLocation() {
    return "classpath:" + migrations;
  }

  /** The dialect of a JDBC URL. */
  public static RegistryDialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported registry JDBC URL "
            + jdbcUrl
            + ": expected jdbc:sqlite:<file> or jdbc:postgresql://...");
  }
}
