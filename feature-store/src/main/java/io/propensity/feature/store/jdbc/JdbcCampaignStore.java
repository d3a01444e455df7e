package io.propensity.feature.store.jdbc;

import io.propensity.common.jdbc.SqlDialect;
import io.propensity.engine.event.EventType;
import io.propensity.feature.campaign.Campaign;
import io.propensity.feature.campaign.CampaignGroup;
import io.propensity.feature.campaign.CampaignMember;
import io.propensity.feature.campaign.CampaignStore;
import io.propensity.feature.campaign.CampaignSummary;
import io.propensity.feature.campaign.GroupOutcome;
import io.propensity.feature.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Campaigns in the event store's database (SQLite or PostgreSQL), so a report counts conversions
 * with one join of members to their events over the (user, time) index.
 */
public final class JdbcCampaignStore implements CampaignStore {
  private static final EventType[] TYPES = EventType.values();
  private static final String SUMMARY =
      "SELECT c.name, c.model_name, c.model_version, c.goal_type, c.window_start_ms,"
          + " c.window_end_ms, c.recorded_at_ms,"
          + " (SELECT COUNT(*) FROM campaign_members m WHERE m.campaign_name = c.name AND m.grp = 0),"
          + " (SELECT COUNT(*) FROM campaign_members m WHERE m.campaign_name = c.name AND m.grp = 1)"
          + " FROM campaigns c";
  private static final int MEMBER_BATCH = 1_000;

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final ReentrantLock sqliteWriteLock;

  JdbcCampaignStore(DataSource dataSource, SqlDialect dialect, ReentrantLock sqliteWriteLock) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.sqliteWriteLock = sqliteWriteLock;
  }

  @Override
  public boolean record(Campaign campaign) {
    boolean lock = dialect == SqlDialect.SQLITE;
    if (lock) {
      sqliteWriteLock.lock();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO campaigns (name, model_name, model_version, goal_type,"
                    + " window_start_ms, window_end_ms, recorded_at_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
          ps.setString(1, campaign.name());
          ps.setString(2, campaign.modelName());
          ps.setLong(3, campaign.modelVersion());
          ps.setInt(4, campaign.goal().ordinal());
          ps.setLong(5, campaign.windowStart().toEpochMilli());
          ps.setLong(6, campaign.windowEnd().toEpochMilli());
          ps.setLong(7, campaign.recordedAt().toEpochMilli());
          if (ps.executeUpdate() == 0) {
            c.rollback();
            return false;
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO campaign_members (campaign_name, user_id, grp, probability, user_rank)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
          int n = 0;
          for (CampaignMember m : campaign.members()) {
            ps.setString(1, campaign.name());
            ps.setString(2, m.userId());
            ps.setInt(3, m.group().ordinal());
            ps.setDouble(4, m.probability());
            ps.setLong(5, m.rank());
            ps.addBatch();
            if (++n % MEMBER_BATCH == 0) {
              ps.executeBatch();
            }
          }
          ps.executeBatch();
        }
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(
          "cannot store campaign " + campaign.name() + ": " + e.getMessage(), e);
    } finally {
      if (lock) {
        sqliteWriteLock.unlock();
      }
    }
  }

  @Override
  public List<CampaignSummary> list() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(SUMMARY + " ORDER BY c.recorded_at_ms DESC, c.name")) {
      List<CampaignSummary> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(summary(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list campaigns: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<CampaignSummary> find(String name) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SUMMARY + " WHERE c.name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(summary(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read campaign " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public GroupOutcome outcome(String name, CampaignGroup group, Instant upTo) {
    String sql =
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM events e"
            + " WHERE e.user_id = m.user_id AND e.type = c.goal_type"
            + " AND e.occurred_at_ms >= c.window_start_ms AND e.occurred_at_ms < ?"
            + " AND e.occurred_at_ms < c.window_end_ms) THEN 1 ELSE 0 END), 0),"
            + " COALESCE(AVG(m.probability), 0)"
            + " FROM campaign_members m JOIN campaigns c ON c.name = m.campaign_name"
            + " WHERE m.campaign_name = ? AND m.grp = ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, upTo.toEpochMilli());
      ps.setString(2, name);
      ps.setInt(3, group.ordinal());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new GroupOutcome(rs.getLong(1), rs.getLong(2), rs.getDouble(3));
      }
    } catch (SQLException e) {
      throw new StoreException(
          "cannot count conversions of campaign " + name + ": " + e.getMessage(), e);
    }
  }

  private static CampaignSummary summary(ResultSet rs) throws SQLException {
    return new CampaignSummary(
        rs.getString(1),
        rs.getString(2),
        rs.getLong(3),
        TYPES[rs.getInt(4)],
        Instant.ofEpochMilli(rs.getLong(5)),
        Instant.ofEpochMilli(rs.getLong(6)),
        Instant.ofEpochMilli(rs.getLong(7)),
        rs.getLong(8),
        rs.getLong(9));
  }
}
