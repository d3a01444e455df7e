package io.propensity.common.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL for backend test suites: the server configured by environment variables ({@code
 * .ci/run} starts one from Debian's packages and sets them), or one in a container ({@link
 * DockerBackends#postgres()}). Each call to {@link #freshSchema} gives an empty schema, so tests
 * never see each other's rows.
 */
public final class TestPostgres {
  /** JDBC URL of the test server, e.g. {@code jdbc:postgresql://127.0.0.1:5432/propensity_test}. */
  public static final String URL_ENV = "PROPENSITY_TEST_PG_URL";

  public static final String USER_ENV = "PROPENSITY_TEST_PG_USER";
  public static final String PASSWORD_ENV = "PROPENSITY_TEST_PG_PASSWORD";

  private TestPostgres() {}

  /**
   * A PostgreSQL server: the JDBC URL of a database on it and credentials that may create schemas.
   */
  public record Server(String jdbcUrl, String user, String password) {}

  /** Connection settings of a fresh, empty schema on a test server. */
  public record Database(
      String jdbcUrl, String user, String password, String schema, Server server) {}

  /**
   * Skips the calling test, with a message saying what is missing, when no server is configured.
   */
  public static void assumeAvailable() {
    String url = System.getenv(URL_ENV);
    Assumptions.assumeTrue(
        url != null && !url.isBlank(),
        "PostgreSQL not configured: set "
            + URL_ENV
            + " (and "
            + USER_ENV
            + ", "
            + PASSWORD_ENV
            + "); .ci/run does this after starting the Debian-packaged server");
  }

  /** The server configured by environment variables; skips the calling test when there is none. */
  public static Server configured() {
    assumeAvailable();
    return new Server(System.getenv(URL_ENV), env(USER_ENV), env(PASSWORD_ENV));
  }

  /** A new empty schema on the configured server; the URL selects it as the default schema. */
  public static Database freshSchema() {
    return freshSchema(configured());
  }

  /** A new empty schema on {@code server}; the URL selects it as the default schema. */
  public static Database freshSchema(Server server) {
    String schema =
        "t_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 16)
                .toLowerCase(Locale.ROOT);
    try (Connection c =
            DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create a test schema on " + server.jdbcUrl() + ": " + e.getMessage(), e);
    }
    String url = server.jdbcUrl();
    String sep = url.contains("?") ? "&" : "?";
    return new Database(
        url + sep + "currentSchema=" + schema, server.user(), server.password(), schema, server);
  }

  /** Drops a schema made by {@link #freshSchema}. */
  public static void drop(Database db) {
    Server server = db.server();
    try (Connection c =
            DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + db.schema() + " CASCADE");
    } catch (SQLException e) {
      // best effort: a leftover schema in a throwaway test database harms nobody
    }
  }

  private static String env(String name) {
    String v = System.getenv(name);
    return v == null ? "" : v;
  }
}
