package io.propensity.training.registry.jdbc;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.NotFoundException;
import io.propensity.training.registry.AliasChange;
import io.propensity.training.registry.AliasExpectation;
import io.propensity.training.registry.AliasMove;
import io.propensity.training.registry.RegistryStore.AliasSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@code aliases} and {@code alias_changes} tables: where each alias points, and every change
 * in commit order, which is both the watch feed and the history rollback pops. Callers hold the
 * alias lock ({@link JdbcTransactions#write}) around every change.
 */
final class AliasRows {
  private AliasRows() {}

  /** The version {@code alias} of {@code name} points at. */
  static OptionalLong target(Connection c, String name, String alias) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT version FROM aliases WHERE name = ? AND alias = ?")) {
      ps.setString(1, name);
      ps.setString(2, alias);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong("version")) : OptionalLong.empty();
      }
    }
  }

  /** Points {@code alias} at {@code version} if {@code expected} holds, and records the change. */
  static AliasMove set(
      Connection c,
      String name,
      String alias,
      long version,
      AliasExpectation expected,
      Instant now,
      String actor)
      throws SQLException {
    requireVersion(c, name, version);
    OptionalLong current = target(c, name, alias);
    checkExpectation(name, alias, current, expected);
    if (current.isPresent() && current.getAsLong() == version) {
      return new AliasMove(VersionRows.require(c, name, version), current, false);
    }
    move(c, name, alias, version, now);
    recordChange(c, name, alias, version, current, AliasChange.Kind.SET, now, actor);
    return new AliasMove(VersionRows.require(c, name, version), current, true);
  }

  /** Moves {@code alias} back to where it pointed before its newest change not undone yet. */
  static AliasMove rollback(Connection c, String name, String alias, Instant now, String actor)
      throws SQLException {
    OptionalLong current = target(c, name, alias);
    if (current.isEmpty()) {
      if (VersionRows.latestVersion(c, name).isEmpty()) {
        throw new NotFoundException("model '" + name + "' does not exist");
      }
      throw new NotFoundException("model '" + name + "' has no alias '" + alias + "'");
    }
    long setId = -1;
    OptionalLong before = OptionalLong.empty();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, previous_version FROM alias_changes WHERE name = ? AND alias = ? AND kind = 'SET'"
                + " AND undone = 0 ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, name);
      ps.setString(2, alias);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          setId = rs.getLong("id");
          before = optionalLong(rs, "previous_version");
        }
      }
    }
    if (before.isEmpty()) {
      throw new FailedPreconditionException(
          "alias '"
              + alias
              + "' of model '"
              + name
              + "' has no earlier version to roll back to: it points at"
              + " version "
              + current.getAsLong()
              + ", the first version it was set to (or already rolled"
              + " back to)");
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE alias_changes SET undone = 1 WHERE id = ?")) {
      ps.setLong(1, setId);
      ps.executeUpdate();
    }
    long target = before.getAsLong();
    move(c, name, alias, target, now);
    recordChange(c, name, alias, target, current, AliasChange.Kind.ROLLBACK, now, actor);
    return new AliasMove(VersionRows.require(c, name, target), current, true);
  }

  private static void requireVersion(Connection c, String name, long version) throws SQLException {
    OptionalLong latest = VersionRows.latestVersion(c, name);
    if (latest.isEmpty()) {
      throw new NotFoundException("model '" + name + "' does not exist");
    }
    if (version < 1 || version > latest.getAsLong()) {
      throw new NotFoundException(
          "model '"
              + name
              + "' has no version "
              + version
              + " (latest is "
              + latest.getAsLong()
              + ")");
    }
  }

  private static void checkExpectation(
      String name, String alias, OptionalLong current, AliasExpectation expected) {
    String subject = "alias '" + alias + "' of model '" + name + "'";
    String now =
        current.isPresent() ? "points at version " + current.getAsLong() : "does not exist";
    if (expected instanceof AliasExpectation.Absent && current.isPresent()) {
      throw new FailedPreconditionException(
          subject + " " + now + ", expected it not to exist; nothing changed");
    }
    if (expected instanceof AliasExpectation.At at
        && (current.isEmpty() || current.getAsLong() != at.version())) {
      throw new FailedPreconditionException(
          subject + " " + now + ", expected version " + at.version() + "; nothing changed");
    }
  }

  private static void move(Connection c, String name, String alias, long version, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO aliases (name, alias, version, changed_at_ms) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version,"
                + " changed_at_ms = excluded.changed_at_ms")) {
      ps.setString(1, name);
      ps.setString(2, alias);
      ps.setLong(3, version);
      ps.setLong(4, now.toEpochMilli());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE models SET updated_at_ms = ? WHERE name = ?")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setString(2, name);
      ps.executeUpdate();
    }
  }

  private static void recordChange(
      Connection c,
      String name,
      String alias,
      long version,
      OptionalLong previous,
      AliasChange.Kind kind,
      Instant now,
      String actor)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO alias_changes (name, alias, version, previous_version, kind, undone,"
                + " changed_at_ms, actor) VALUES (?, ?, ?, ?, ?, 0, ?, ?)")) {
      ps.setString(1, name);
      ps.setString(2, alias);
      ps.setLong(3, version);
      if (previous.isPresent()) {
        ps.setLong(4, previous.getAsLong());
      } else {
        ps.setNull(4, Types.BIGINT);
      }
      ps.setString(5, kind.name());
      ps.setLong(6, now.toEpochMilli());
      ps.setString(7, actor);
      ps.executeUpdate();
    }
  }

  /** The aliases of models in {@code names} (all when empty) and the newest change id. */
  static AliasSnapshot snapshot(Connection c, Set<String> names) throws SQLException {
    List<AliasChange> aliases = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT a.name, a.alias, a.version, a.changed_at_ms, (SELECT ch.actor FROM"
                    + " alias_changes ch WHERE ch.name = a.name AND ch.alias = a.alias ORDER BY"
                    + " ch.id DESC LIMIT 1) AS actor FROM aliases a ORDER BY a.name, a.alias");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String name = rs.getString("name");
        if (names.isEmpty() || names.contains(name)) {
          aliases.add(
              new AliasChange(
                  0,
                  name,
                  rs.getString("alias"),
                  rs.getLong("version"),
                  OptionalLong.empty(),
                  AliasChange.Kind.INITIAL,
                  Instant.ofEpochMilli(rs.getLong("changed_at_ms")),
                  rs.getString("actor") == null ? "" : rs.getString("actor")));
        }
      }
    }
    return new AliasSnapshot(aliases, lastChangeId(c));
  }

  /** Id of the newest change; 0 when none. */
  static long lastChangeId(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT COALESCE(MAX(id), 0) AS last_id FROM alias_changes");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong("last_id");
    }
  }

  /** Up to {@code limit} changes with ids above {@code afterId}, in id order. */
  static List<AliasChange> changesAfter(Connection c, long afterId, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, name, alias, version, previous_version, kind, changed_at_ms, actor"
                + " FROM alias_changes WHERE id > ? ORDER BY id LIMIT ?")) {
      ps.setLong(1, afterId);
      ps.setInt(2, limit);
      List<AliasChange> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new AliasChange(
                  rs.getLong("id"),
                  rs.getString("name"),
                  rs.getString("alias"),
                  rs.getLong("version"),
                  optionalLong(rs, "previous_version"),
                  AliasChange.Kind.valueOf(rs.getString("kind")),
                  Instant.ofEpochMilli(rs.getLong("changed_at_ms")),
                  rs.getString("actor")));
        }
      }
      return out;
    }
  }

  private static OptionalLong optionalLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
