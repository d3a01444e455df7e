package io.propensity.feature.store.jdbc;

/**
 * The SQL engines the JDBC event store runs on; they differ only in migrations and a few details.
 */
public enum SqlDialect {
  /** Embedded default: a single file, WAL journal, fsync on every commit. */
  SQLITE("db/migration/sqlite"),
  /** Production backend. */
  POSTGRESQL("db/migration/postgresql");

  private final String migrations;

  SqlDialect(String migrations) {
    this.migrations = migrations;
  }

  /** Classpath folder of this dialect's Flyway migrations. */
  public String migrationsLocation() {
    return "classpath:" + migrations;
  }

  /** The dialect of a JDBC URL. */
  public static SqlDialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported JDBC URL "
            + jdbcUrl
            + ": expected jdbc:sqlite:<file> or jdbc:postgresql://...");
  }
}
