package io.propensity.training.registry.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.propensity.common.jdbc.SqlDialect;
import io.propensity.training.registry.RegistryStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The registry's reads and write transactions on one pool: a read is one auto-committed statement
 * or a few, a write one transaction that commits or rolls back as a whole. SQL errors become {@link
 * RegistryStoreException}s naming what failed.
 */
final class JdbcTransactions implements AutoCloseable {
  /** Key of the PostgreSQL advisory lock every alias change (and the watch snapshot) takes. */
  private static final long ALIAS_LOCK_KEY = 0x7072_6f70_7265_6731L;

  /**
   * Key of the PostgreSQL advisory lock under which a registration checks the storage quotas and
   * commits. Always taken before a model's counter row, so it cannot deadlock with another
   * registration.
   */
  private static final long STORAGE_LOCK_KEY = 0x7072_6f70_7265_6732L;

  private final HikariDataSource dataSource;
  private final boolean sqlite;
  // SQLite allows one writer at a time; serialising this process's writers avoids busy-retry
  // storms.
  private final ReentrantLock sqliteWriteLock = new ReentrantLock();

  JdbcTransactions(HikariDataSource dataSource, SqlDialect dialect) {
    this.dataSource = dataSource;
    this.sqlite = dialect == SqlDialect.SQLITE;
  }

  /** Work done on one connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** One auto-committed read; a single statement reads one consistent snapshot. */
  <T> T read(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new RegistryStoreException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  /** One write transaction; {@code aliasLock} serialises it with every other alias change. */
  <T> T write(String what, boolean aliasLock, Work<T> work) {
    if (sqlite) {
      sqliteWriteLock.lock();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (aliasLock) {
          advisoryLock(c, ALIAS_LOCK_KEY);
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new RegistryStoreException("cannot " + what + ": " + e.getMessage(), e);
    } finally {
      if (sqlite) {
        sqliteWriteLock.unlock();
      }
    }
  }

  /**
   * Within a {@link #write}: serialises the rest of the transaction with every other that takes
   * this lock, to commit; storage quotas are checked under it. (On SQLite every write is already
   * the single writer.)
   */
  void lockStorage(Connection c) throws SQLException {
    advisoryLock(c, STORAGE_LOCK_KEY);
  }

  private void advisoryLock(Connection c, long key) throws SQLException {
    if (sqlite) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, key);
      ps.execute();
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
