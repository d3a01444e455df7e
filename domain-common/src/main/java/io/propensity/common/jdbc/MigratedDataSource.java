package io.propensity.common.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.flywaydb.core.Flyway;

/**
 * A pooled connection to a service's database, migrated to the schema its code expects. The same
 * settings serve the feature-service's event store and the training-service's model registry, on
 * either backend:
 *
 * <ul>
 *   <li>embedded SQLite: the file's folder created when missing (a fresh data directory), WAL
 *       journal with {@code synchronous=FULL} (a commit is on disk when it returns, readers never
 *       block the writer), a 30 s busy timeout, foreign keys on, plus whatever the store adds
 *       ({@link Spec#sqliteProperties});
 *   <li>PostgreSQL: the user and password when given (else the URL's own or the driver's defaults).
 * </ul>
 *
 * @see #open(Spec, Function)
 */
public final class MigratedDataSource {
  private MigratedDataSource() {}

  /**
   * How to open one store.
   *
   * @param jdbcUrl {@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}
   * @param user empty for none
   * @param password empty for none
   * @param poolSize largest pool (at least 2 are kept)
   * @param poolName Hikari's pool name, seen in its logs and metrics
   * @param dialect the URL's dialect ({@link SqlDialect#of})
   * @param sqliteProperties driver properties added on SQLite only
   * @param migrations Flyway location of the dialect's migrations
   * @param historyTable Flyway's schema history table (one per store, so two stores can share a
   *     database)
   */
  public record Spec(
      String jdbcUrl,
      String user,
      String password,
      int poolSize,
      String poolName,
      SqlDialect dialect,
      Map<String, String> sqliteProperties,
      String migrations,
      String historyTable) {}

  /**
   * Opens the pool and migrates the schema. A failing migration closes the pool and is rethrown as
   * {@code onMigrationFailure} makes it (the store's own exception, naming the store); a database
   * that cannot be reached at all fails from Hikari as it always does.
   */
  public static HikariDataSource open(
      Spec spec, Function<RuntimeException, RuntimeException> onMigrationFailure) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(spec.jdbcUrl());
    config.setPoolName(spec.poolName());
    if (spec.dialect() == SqlDialect.SQLITE) {
      createFolderOf(spec.jdbcUrl());
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("busy_timeout", "30000");
      config.addDataSourceProperty("foreign_keys", "true");
      spec.sqliteProperties().forEach(config::addDataSourceProperty);
    } else {
      if (!spec.user().isEmpty()) {
        config.setUsername(spec.user());
      }
      if (!spec.password().isEmpty()) {
        config.setPassword(spec.password());
      }
    }
    config.setMaximumPoolSize(Math.max(2, spec.poolSize()));
    config.setConnectionTimeout(10_000);
    HikariDataSource ds = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations(spec.migrations())
          .table(spec.historyTable())
          .load()
          .migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw onMigrationFailure.apply(e);
    }
    return ds;
  }

  private static void createFolderOf(String sqliteUrl) {
    Path file = Path.of(sqliteUrl.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", ""));
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory for " + file, e);
    }
  }

  /**
   * The URL with any {@code password=} parameter masked: the one way a JDBC URL goes into a message
   * or a log line.
   */
  public static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("password=[^&;]*", "password=***");
  }
}
