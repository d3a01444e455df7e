package io.propensity.common.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigratedDataSourceTest {
  @TempDir Path dir;

  private MigratedDataSource.Spec spec(Path file, String migrations, Map<String, String> extra) {
    return new MigratedDataSource.Spec(
        "jdbc:sqlite:" + file,
        "",
        "",
        1,
        "test-pool",
        SqlDialect.SQLITE,
        extra,
        "classpath:db/migratedsource/" + migrations,
        "test_schema_history");
  }

  @Test
  void sqliteIsMigratedDurableAndEnforcesForeignKeysWithTheStoresOwnProperties() throws Exception {
    Path file = dir.resolve("store.db");
    try (HikariDataSource ds =
        MigratedDataSource.open(
            spec(file, "good", Map.of("cache_size", "-4096")), IllegalStateException::new)) {
      assertThat(ds.getMaximumPoolSize()).as("at least 2 connections").isEqualTo(2);
      try (Connection c = ds.getConnection();
          Statement st = c.createStatement()) {
        assertThat(single(st, "PRAGMA journal_mode")).isEqualToIgnoringCase("wal");
        assertThat(single(st, "PRAGMA synchronous")).as("FULL").isEqualTo("2");
        assertThat(single(st, "PRAGMA busy_timeout")).isEqualTo("30000");
        assertThat(single(st, "PRAGMA cache_size")).isEqualTo("-4096");
        assertThat(single(st, "SELECT count(*) FROM test_schema_history WHERE success = 1"))
            .isEqualTo("1");
        st.execute("INSERT INTO owner (id) VALUES (1)");
        st.execute("INSERT INTO thing (id, owner_id) VALUES (1, 1)");
        assertThatThrownBy(() -> st.execute("INSERT INTO thing (id, owner_id) VALUES (2, 99)"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("FOREIGN KEY");
      }
    }
    // opening again finds the schema up to date and the data kept
    try (HikariDataSource ds =
            MigratedDataSource.open(spec(file, "good", Map.of()), IllegalStateException::new);
        Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      assertThat(single(st, "SELECT count(*) FROM thing")).isEqualTo("1");
    }
  }

  @Test
  void aFailingMigrationIsReportedAsTheStoreSays() {
    Path file = dir.resolve("broken.db");
    assertThatThrownBy(
            () ->
                MigratedDataSource.open(
                    spec(file, "bad", Map.of()),
                    e ->
                        new IllegalStateException(
                            "cannot migrate the test store: " + e.getMessage(), e)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot migrate the test store: ")
        .hasMessageContaining("V1__broken.sql");
  }

  @Test
  void aSqliteFileGetsItsFolderWhenTheDataDirectoryIsNew() throws Exception {
    Path file = dir.resolve("data/service/store.db");
    try (HikariDataSource ds =
        MigratedDataSource.open(spec(file, "good", Map.of()), IllegalStateException::new)) {
      assertThat(file).exists();
    }
  }

  @Test
  void theDialectIsTheUrlsAndItsMigrationsAFolderPerDialect() {
    assertThat(SqlDialect.of("jdbc:sqlite:/data/events.db")).isEqualTo(SqlDialect.SQLITE);
    assertThat(SqlDialect.of("jdbc:postgresql://db:5432/p")).isEqualTo(SqlDialect.POSTGRESQL);
    assertThat(SqlDialect.POSTGRESQL.migrationsLocation("db/registry"))
        .isEqualTo("classpath:db/registry/postgresql");
    assertThatThrownBy(() -> SqlDialect.of("jdbc:mysql://db/p?user=u&password=s3cret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:sqlite:<file> or jdbc:postgresql://")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void passwordsInUrlsAreMasked() {
    assertThat(
            MigratedDataSource.redact(
                "jdbc:postgresql://db:5432/p?user=u&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/p?user=u&password=***&ssl=true");
    assertThat(MigratedDataSource.redact("jdbc:sqlite:/data/events.db"))
        .isEqualTo("jdbc:sqlite:/data/events.db");
  }

  private static String single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }
}
