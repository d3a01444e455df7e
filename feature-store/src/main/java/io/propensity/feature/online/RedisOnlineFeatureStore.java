package io.propensity.feature.online;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.UserFeatureState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online state in Redis, shared by every replica of the feature service: one hash per user holding
 * the compact {@link UserFeatureState} bytes and a version. Updates are optimistic: read, apply,
 * then a compare-and-set script writes only if no other writer got there first, else retry — so
 * concurrent replicas never lose an update.
 */
public final class RedisOnlineFeatureStore implements OnlineFeatureStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisOnlineFeatureStore.class);
  private static final String VERSION = "v";
  private static final String STATE = "s";
  private static final int MAX_ATTEMPTS = 20;
  private static final long TIMEOUT_S = 10;
  // KEYS[1] user hash, KEYS[2] meta hash; ARGV[1] expected version ("0" = absent), ARGV[2] new
  // version, ARGV[3] state. Keeps meta.users and meta.bytes (state bytes in total) up to date.
  private static final String CAS =
      "local v = redis.call('HGET', KEYS[1], 'v')\n"
          + "if (v == false and ARGV[1] == '0') or v == ARGV[1] then\n"
          + "  local old = redis.call('HSTRLEN', KEYS[1], 's')\n"
          + "  if v == false then redis.call('HINCRBY', KEYS[2], 'users', 1) end\n"
          + "  redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])\n"
          + "  redis.call('HINCRBY', KEYS[2], 'bytes', string.len(ARGV[3]) - old)\n"
          + "  return 1\n"
          + "end\n"
          + "return 0\n";

  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final String prefix;
  private final String casSha;
  private final byte[] lockOwner = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
  private volatile boolean rebuildLockHeld;
  private volatile long rebuildLockRenewedAt;

  /** How long a rebuild lock lives unless its holder renews it (a dead holder's lock expires). */
  static final Duration REBUILD_LOCK_TTL = Duration.ofSeconds(60);

  private static final Duration REBUILD_WAIT_POLL = Duration.ofMillis(250);

  public RedisOnlineFeatureStore(String redisUrl, String keyPrefix) {
    this.client = RedisClient.create(redisUrl);
    this.client.setDefaultTimeout(Duration.ofSeconds(TIMEOUT_S));
    this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    this.prefix = keyPrefix;
    this.casSha = connection.sync().scriptLoad(CAS.getBytes(StandardCharsets.UTF_8));
  }

  private String userKey(String userId) {
    return prefix + "u:" + userId;
  }

  private String metaKey() {
    return prefix + "meta";
  }

  @Override
  public void apply(List<Event> stored) {
    renewRebuildLock();
    Map<String, List<Event>> byUser = new LinkedHashMap<>();
    for (Event e : stored) {
      byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
    }
    RedisAsyncCommands<String, byte[]> async = connection.async();
    Map<String, List<Event>> pending = byUser;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > MAX_ATTEMPTS) {
        throw new IllegalStateException(
            "online state of " + pending.size() + " users kept changing under us");
      }
      // pipelined reads, then pipelined compare-and-sets
      Map<String, RedisFuture<List<io.lettuce.core.KeyValue<String, byte[]>>>> reads =
          new LinkedHashMap<>();
      for (String user : pending.keySet()) {
        reads.put(user, async.hmget(userKey(user), VERSION, STATE));
      }
      Map<String, RedisFuture<Long>> writes = new LinkedHashMap<>();
      for (Map.Entry<String, List<Event>> u : pending.entrySet()) {
        List<io.lettuce.core.KeyValue<String, byte[]>> kv = await(reads.get(u.getKey()));
        String version =
            kv.get(0).hasValue()
                ? new String(kv.get(0).getValue(), StandardCharsets.US_ASCII)
                : "0";
        UserFeatureState state =
            kv.get(1).hasValue()
                ? decode(u.getKey(), kv.get(1).getValue())
                : new UserFeatureState();
        for (Event e : u.getValue()) {
          state.apply(e);
        }
        String next = Long.toString(Long.parseLong(version) + 1);
        writes.put(
            u.getKey(),
            async.evalsha(
                casSha,
                ScriptOutputType.INTEGER,
                new String[] {userKey(u.getKey()), metaKey()},
                version.getBytes(StandardCharsets.US_ASCII),
                next.getBytes(StandardCharsets.US_ASCII),
                state.toBytes()));
      }
      Map<String, List<Event>> conflicted = new LinkedHashMap<>();
      for (Map.Entry<String, RedisFuture<Long>> w : writes.entrySet()) {
        if (await(w.getValue()) != 1L) {
          conflicted.put(w.getKey(), pending.get(w.getKey()));
        }
      }
      pending = conflicted;
    }
  }

  private static UserFeatureState decode(String user, byte[] bytes) {
    try {
      return UserFeatureState.fromBytes(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "online state of user " + user + " in Redis is unreadable: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<UserVector> vectorOf(String userId, Instant now) {
    byte[] bytes = connection.sync().hget(userKey(userId), STATE);
    if (bytes == null) {
      return Optional.empty();
    }
    UserFeatureState s = decode(userId, bytes);
    Instant last = s.watermark().orElse(now);
    return Optional.of(new UserVector(s.vectorAsOf(now.isBefore(last) ? last : now), last));
  }

  @Override
  public long users() {
    byte[] v = connection.sync().hget(metaKey(), "users");
    return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.US_ASCII));
  }

  @Override
  public long estimatedBytes() {
    byte[] v = connection.sync().hget(metaKey(), "bytes");
    return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.US_ASCII));
  }

  /**
   * True unless Redis holds a complete state for the current feature schema (written by an earlier
   * rebuild). A rebuild then starts by wiping this prefix.
   *
   * <p>Replicas starting together rebuild once: the rebuild is claimed with a Redis lock ({@code
   * SET NX} with an expiry this replica renews while it applies events); a replica that finds
   * another rebuilding waits until the state is marked complete and returns false, or takes over
   * when the lock expires (the rebuilding replica died). Two replicas rebuilding at once would wipe
   * each other's work and apply events twice.
   */
  @Override
  public boolean needsRebuild() {
    boolean waited = false;
    while (true) {
      if (schemaIsCurrent()) {
        if (waited) {
          LOG.info("another replica finished rebuilding the online state under '{}'", prefix);
        }
        return false;
      }
      if ("OK".equals(connection.sync().set(rebuildLockKey(), lockOwner, lockArgs()))) {
        rebuildLockRenewedAt = System.nanoTime();
        rebuildLockHeld = true;
        wipe();
        return true;
      }
      if (!waited) {
        LOG.info(
            "another replica is rebuilding the online state under '{}'; waiting for it", prefix);
        waited = true;
      }
      try {
        Thread.sleep(REBUILD_WAIT_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for another replica", e);
      }
    }
  }

  private boolean schemaIsCurrent() {
    byte[] schema = connection.sync().hget(metaKey(), "schema");
    return schema != null
        && new String(schema, StandardCharsets.UTF_8).equals(FeatureCatalog.schema().versionHash());
  }

  private String rebuildLockKey() {
    return prefix + "rebuild-lock";
  }

  private static io.lettuce.core.SetArgs lockArgs() {
    return io.lettuce.core.SetArgs.Builder.nx().px(REBUILD_LOCK_TTL.toMillis());
  }

  /** Renews the rebuild lock while this replica rebuilds (called as it applies events). */
  private void renewRebuildLock() {
    if (rebuildLockHeld
        && System.nanoTime() - rebuildLockRenewedAt > REBUILD_LOCK_TTL.toNanos() / 4) {
      connection.sync().pexpire(rebuildLockKey(), REBUILD_LOCK_TTL.toMillis());
      rebuildLockRenewedAt = System.nanoTime();
    }
  }

  /** Records that the state is complete for the current schema, after a rebuild. */
  @Override
  public void rebuilt() {
    connection
        .sync()
        .hset(
            metaKey(),
            "schema",
            FeatureCatalog.schema().versionHash().getBytes(StandardCharsets.UTF_8));
    if (rebuildLockHeld) {
      connection.sync().del(rebuildLockKey());
      rebuildLockHeld = false;
    }
  }

  /** Forgets the completeness mark, so the next start rebuilds (after a failed update). */
  @Override
  public void markStale() {
    connection.sync().hdel(metaKey(), "schema");
  }

  private void wipe() {
    RedisCommands<String, byte[]> sync = connection.sync();
    long n = 0;
    List<String> batch = new ArrayList<>();
    for (String key : keys(prefix + "*")) {
      if (key.equals(rebuildLockKey())) {
        continue; // the claim of the rebuild this wipe starts
      }
      batch.add(key);
      if (batch.size() == 1000) {
        n += sync.unlink(batch.toArray(String[]::new));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      n += sync.unlink(batch.toArray(String[]::new));
    }
    LOG.info("cleared {} stale online-state keys under '{}'", n, prefix);
  }

  private Iterable<String> keys(String pattern) {
    RedisCommands<String, byte[]> sync = connection.sync();
    List<String> out = new ArrayList<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = sync.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
      out.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return out;
  }

  private static <T> T await(RedisFuture<T> f) {
    try {
      return f.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to Redis", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Redis failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
