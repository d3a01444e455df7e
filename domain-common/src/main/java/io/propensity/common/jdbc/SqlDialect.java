package io.propensity.common.jdbc;

import java.util.Locale;

/**
 * The SQL engines a store runs on (the event store, the model registry); they differ only in
 * migrations and a few details such as write locking.
 */
public enum SqlDialect {
  /** Embedded default: a single file, WAL journal, fsync on every commit. */
  SQLITE("jdbc:sqlite:"),
  /** Production backend, shared by every process of a service. */
  POSTGRESQL("jdbc:postgresql:");

  private final String urlPrefix;

  SqlDialect(String urlPrefix) {
    this.urlPrefix = urlPrefix;
  }

  /**
   * Classpath location of this dialect's Flyway migrations: a folder per dialect below {@code
   * root}, e.g. {@code classpath:db/migration/sqlite} for the root {@code db/migration}.
   */
  public String migrationsLocation(String root) {
    return "classpath:" + root + "/" + name().toLowerCase(Locale.ROOT);
  }

  /** The dialect of a JDBC URL; the message of a refusal masks any password in it. */
  public static SqlDialect of(String jdbcUrl) {
    for (SqlDialect d : values()) {
      if (jdbcUrl.startsWith(d.urlPrefix)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unsupported JDBC URL "
            + MigratedDataSource.redact(jdbcUrl)
            + ": expected jdbc:sqlite:<file> or jdbc:postgresql://...");
  }
}
