package io.propensity.bench.support;

import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A fresh, empty event store for one measurement: an SQLite file in a temporary directory, or a new
 * schema on the PostgreSQL named by {@code PROPENSITY_BENCH_PG_URL}/{@code _USER}/{@code
 * _PASSWORD}. {@link #close()} removes it.
 */
public sealed interface StoreBackend extends AutoCloseable {
  String PG_URL_ENV = "PROPENSITY_BENCH_PG_URL";
  String PG_USER_ENV = "PROPENSITY_BENCH_PG_USER";
  String PG_PASSWORD_ENV = "PROPENSITY_BENCH_PG_PASSWORD";

  /** Short name for tables: {@code sqlite} or {@code postgresql}. */
  String name();

  String jdbcUrl();

  String user();

  String password();

  /** Environment of a feature-service process that stores its events here. */
  default Map<String, String> serviceEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PROPENSITY_STORE_JDBC_URL", jdbcUrl());
    env.put("PROPENSITY_STORE_USER", user());
    env.put("PROPENSITY_STORE_PASSWORD", password());
    return env;
  }

  /**
   * Opens (and migrates) the store directly, as feature-service does, with its default pool of 8.
   */
  default JdbcEventStore open() {
    return JdbcEventStore.open(jdbcUrl(), user(), password(), 8);
  }

  @Override
  void close();

  /** A new SQLite file {@code events.db} in a new directory under {@code parent}. */
  static StoreBackend sqlite(Path parent) {
    try {
      Path dir = Files.createTempDirectory(parent, "sqlite-");
      return new Sqlite(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A new schema on the configured PostgreSQL, or empty when {@code PROPENSITY_BENCH_PG_URL} is
   * unset.
   */
  static Optional<StoreBackend> postgresFromEnv() {
    String url = System.getenv(PG_URL_ENV);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    Loopback.requireJdbc(url);
    String user = Optional.ofNullable(System.getenv(PG_USER_ENV)).orElse("");
    String password = Optional.ofNullable(System.getenv(PG_PASSWORD_ENV)).orElse("");
    String schema =
        "bench_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create schema " + schema + " on " + url + ": " + e.getMessage(), e);
    }
    String sep = url.contains("?") ? "&" : "?";
    return Optional.of(
        new Postgres(url, url + sep + "currentSchema=" + schema, user, password, schema));
  }

  /** Every backend available: SQLite always, PostgreSQL when configured. */
  static List<String> availableNames() {
    List<String> names = new ArrayList<>(List.of("sqlite"));
    String url = System.getenv(PG_URL_ENV);
    if (url != null && !url.isBlank()) {
      names.add("postgresql");
    }
    return names;
  }

  /** A fresh store of the backend called {@code name}. */
  static StoreBackend fresh(String name, Path workDir) {
    return switch (name) {
      case "sqlite" -> sqlite(workDir);
      case "postgresql", "postgres", "pg" ->
          postgresFromEnv()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "PostgreSQL not configured: set "
                              + PG_URL_ENV
                              + ", "
                              + PG_USER_ENV
                              + " and "
                              + PG_PASSWORD_ENV));
      default ->
          throw new IllegalArgumentException(
              "unknown backend '" + name + "': sqlite or postgresql");
    };
  }

  /** The embedded default: one SQLite file, WAL, fsync on every commit. */
  record Sqlite(Path dir) implements StoreBackend {
    @Override
    public String name() {
      return "sqlite";
    }

    public Path file() {
      return dir.resolve("events.db");
    }

    @Override
    public String jdbcUrl() {
      return "jdbc:sqlite:" + file().toAbsolutePath();
    }

    @Override
    public String user() {
      return "";
    }

    @Override
    public String password() {
      return "";
    }

    @Override
    public void close() {
      TempDirs.delete(dir);
    }
  }

  /** A throwaway schema on a PostgreSQL server. */
  record Postgres(String serverUrl, String jdbcUrl, String user, String password, String schema)
      implements StoreBackend {
    @Override
    public String name() {
      return "postgresql";
    }

    @Override
    public void close() {
      try (Connection c = DriverManager.getConnection(serverUrl, user, password);
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        System.err.println("warning: could not drop schema " + schema + ": " + e.getMessage());
      }
    }
  }

  /** Only loopback addresses: the benchmarks never send traffic off this machine. */
  final class Loopback {
    private Loopback() {}

    static void requireJdbc(String jdbcUrl) {
      String host = URI.create(jdbcUrl.substring("jdbc:".length())).getHost();
      if (host == null
          || !(host.equals("127.0.0.1")
              || host.equals("localhost")
              || host.equals("::1")
              || host.equals("[::1]"))) {
        throw new IllegalArgumentException(
            "the benchmarks only talk to loopback; " + jdbcUrl + " names host " + host);
      }
    }

    static void requireRedis(String redisUrl) {
      String host = URI.create(redisUrl).getHost();
      if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost"))) {
        throw new IllegalArgumentException(
            "the benchmarks only talk to loopback; " + redisUrl + " names host " + host);
      }
    }
  }
}
