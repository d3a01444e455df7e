package io.propensity.training.registry.jdbc;

import io.propensity.common.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * A registry database as the tests reach it behind the registry's back: to put it at an old schema
 * version, and to write rows the registry would not.
 *
 * @param jdbcUrl the database's URL
 * @param user empty for none
 * @param password empty for none
 */
record RegistryDatabase(String jdbcUrl, String user, String password) {
  /** Migrates an empty database to schema version {@code version} and no further. */
  void migrateTo(String version) {
    Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations(SqlDialect.of(jdbcUrl).migrationsLocation("db/registry"))
        .table(JdbcRegistryStore.HISTORY_TABLE)
        .target(version)
        .load()
        .migrate();
  }

  /** Runs one statement with {@code params} bound in order. */
  void execute(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
    }
  }

  /** The bytes in the first column of the first row {@code sql} selects. */
  byte[] selectBytes(String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("no row: " + sql);
      }
      return rs.getBytes(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the stored details of a version with {@code text}. */
  void overwriteDetails(String name, long version, String text) {
    execute(
        "UPDATE model_versions SET details_json = ? WHERE name = ? AND version = ?",
        text,
        name,
        version);
  }
}
