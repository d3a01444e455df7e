package io.propensity.bench.support;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Where a feature-service under test keeps its online state: in its own memory (default), or in the
 * Redis named by {@code PROPENSITY_BENCH_REDIS_URL} under a key prefix of its own.
 */
public record OnlineBackend(String name, Map<String, String> serviceEnv) {
  public static final String REDIS_URL_ENV = "PROPENSITY_BENCH_REDIS_URL";

  /** {@code memory} or {@code redis}. */
  public static OnlineBackend of(String name) {
    return switch (name) {
      case "memory" -> new OnlineBackend("memory", Map.of("PROPENSITY_ONLINE_BACKEND", "memory"));
      case "redis" -> {
        String url = System.getenv(REDIS_URL_ENV);
        if (url == null || url.isBlank()) {
          throw new IllegalArgumentException(
              "Redis not configured: set " + REDIS_URL_ENV + ", e.g. redis://127.0.0.1:6379");
        }
        StoreBackend.Loopback.requireRedis(url);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PROPENSITY_ONLINE_BACKEND", "redis");
        env.put("PROPENSITY_ONLINE_REDIS_URL", url);
        // a prefix of its own: a fresh, empty online state that no other run or test shares
        env.put(
            "PROPENSITY_ONLINE_REDIS_KEY_PREFIX",
            "propensity-bench:"
                + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT)
                + ":");
        yield new OnlineBackend("redis", Map.copyOf(env));
      }
      default ->
          throw new IllegalArgumentException(
              "unknown online backend '" + name + "': memory or redis");
    };
  }

  /** The Redis key prefix in use, when the backend is Redis. */
  public String keyPrefix() {
    return serviceEnv.getOrDefault("PROPENSITY_ONLINE_REDIS_KEY_PREFIX", "");
  }

  /** What the online state takes in Redis: its keys and their sampled memory. */
  public record RedisMemory(long keys, int sampled, double meanBytesPerKey) {
    /** Mean bytes a key times a million, in MiB: the state of a million users at one key each. */
    public double mibPerMillionKeys() {
      return meanBytesPerKey * 1_000_000 / (1024.0 * 1024.0);
    }

    /** One line for a benchmark's output. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "online state in Redis: %,d keys (one per user); MEMORY USAGE of %,d sampled keys: mean"
              + " %,.0f bytes a key = %,.0f MiB per million users",
          keys,
          sampled,
          meanBytesPerKey,
          mibPerMillionKeys());
    }
  }

  /**
   * Counts this run's keys (SCAN of the prefix) and averages Redis's own {@code MEMORY USAGE}
   * (value, key and per-key overhead, all samples of nested values) over up to {@code sample} of
   * them, the first ones the scan returns (Redis's hash order: not related to the users' data).
   * Empty when the backend is memory.
   */
  public java.util.Optional<RedisMemory> redisMemory(int sample) {
    if (!name.equals("redis")) {
      return java.util.Optional.empty();
    }
    RedisClient client = RedisClient.create(serviceEnv.get("PROPENSITY_ONLINE_REDIS_URL"));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> redis = c.sync();
      long keys = 0;
      long bytes = 0;
      int sampled = 0;
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page =
            redis.scan(cursor, ScanArgs.Builder.matches(keyPrefix() + "*").limit(1_000));
        keys += page.getKeys().size();
        for (String key : page.getKeys()) {
          if (sampled >= sample) {
            break;
          }
          Long used = redis.memoryUsage(key);
          if (used != null) {
            bytes += used;
            sampled++;
          }
        }
        cursor = page;
      } while (!cursor.isFinished());
      return java.util.Optional.of(
          new RedisMemory(keys, sampled, sampled == 0 ? 0 : (double) bytes / sampled));
    } finally {
      client.shutdown();
    }
  }

  /** Deletes the keys this run wrote in Redis (nothing to do in memory); best effort. */
  public void cleanUp() {
    if (!name.equals("redis")) {
      return;
    }
    RedisClient client = RedisClient.create(serviceEnv.get("PROPENSITY_ONLINE_REDIS_URL"));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> redis = c.sync();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page =
            redis.scan(cursor, ScanArgs.Builder.matches(keyPrefix() + "*").limit(1_000));
        if (!page.getKeys().isEmpty()) {
          redis.unlink(page.getKeys().toArray(String[]::new));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } catch (RuntimeException e) {
      System.err.println(
          "warning: could not delete Redis keys " + keyPrefix() + "*: " + e.getMessage());
    } finally {
      client.shutdown();
    }
  }
}
