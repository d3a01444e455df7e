package io.propensity.feature.online;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.engine.features.FeatureVector;
import io.propensity.feature.ingest.IngestBarrier;
import io.propensity.feature.ingest.IngestListener;
import io.propensity.feature.store.EventStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves users' current feature vectors from the online state, and keeps that state up to date as
 * events are stored. Users without any event get the defined cold-start vector, flagged as such.
 */
public final class OnlineFeatures implements IngestListener {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineFeatures.class);
  private static final int TAIL_BATCH = 10_000;
  private static final long PROGRESS_EVERY_EVENTS = 500_000;
  private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

  private final OnlineFeatureStore store;
  private final Clock clock;
  private final int maxUsersPerRequest;
  private final java.util.concurrent.atomic.AtomicLong failedUpdates =
      new java.util.concurrent.atomic.AtomicLong();
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private volatile long appliedMark;
  private volatile Optional<StartOutcome> started = Optional.empty();

  public OnlineFeatures(OnlineFeatureStore store, Clock clock, int maxUsersPerRequest) {
    this.store = store;
    this.clock = clock;
    this.maxUsersPerRequest = maxUsersPerRequest;
  }

  /** The schema every vector follows. */
  public FeatureSchema schema() {
    return FeatureCatalog.schema();
  }

  /**
   * Brackets every "append, then apply" step of ingestion, so that a snapshot reads the state and
   * the event store's high-water mark at an instant when every stored event is applied.
   */
  public IngestBarrier ingestBarrier() {
    return new IngestBarrier() {
      @Override
      public <T> T around(java.util.function.Supplier<T> step) {
        gate.readLock().lock();
        try {
          return step.get();
        } finally {
          gate.readLock().unlock();
        }
      }
    };
  }

  /** Rebuilds the state from every stored event (at start, when the state is not persistent). */
  public void rebuildFrom(EventStore events) {
    start(events, Optional.empty());
  }

  /**
   * Brings the online state up to date at start: nothing to do when the store is persistent and
   * complete (Redis); otherwise from the snapshot at {@code snapshot}, when given and usable, plus
   * the events stored after it; otherwise rebuilt from every stored event. A snapshot that is
   * missing, corrupt, of another format or feature schema, or ahead of the event store is logged
   * and ignored, never half-used.
   */
  public StartOutcome start(EventStore events, Optional<Path> snapshot) {
    StartOutcome outcome = bringUpToDate(events, snapshot);
    started = Optional.of(outcome);
    return outcome;
  }

  /** How the state was brought up to date by {@link #start}, once it ran. */
  public Optional<StartOutcome> startOutcome() {
    return started;
  }

  private StartOutcome bringUpToDate(EventStore events, Optional<Path> snapshot) {
    if (!store.needsRebuild()) {
      LOG.info("online state is persistent ({} users); no rebuild", store.users());
      return new StartOutcome(StartOutcome.Source.PERSISTENT, 0, 0, "");
    }
    gate.writeLock().lock();
    try {
      long mark = events.highWaterMark();
      String reason = "snapshots off";
      if (snapshot.isPresent() && store instanceof InMemoryOnlineFeatureStore memory) {
        Object restored = restore(memory, events, snapshot.get(), mark);
        if (restored instanceof StartOutcome done) {
          return done;
        }
        reason = (String) restored;
      }
      long n = rebuild(events, mark);
      return new StartOutcome(StartOutcome.Source.REBUILD, mark, n, reason);
    } finally {
      gate.writeLock().unlock();
    }
  }

  /** A {@link StartOutcome} when restored, else the reason the snapshot was not used. */
  private Object restore(
      InMemoryOnlineFeatureStore memory, EventStore events, Path file, long mark) {
    long start = System.nanoTime();
    OnlineStateSnapshot.Loaded loaded;
    try {
      loaded = OnlineStateSnapshot.read(file);
    } catch (OnlineStateSnapshot.UnusableSnapshotException e) {
      if (java.nio.file.Files.exists(file)) {
        LOG.warn(
            "online-state snapshot {} not used ({}); rebuilding from events", file, e.getMessage());
      } else {
        LOG.info("no online-state snapshot at {}; rebuilding from events", file);
      }
      return e.getMessage();
    }
    if (loaded.highWaterMark() > mark) {
      LOG.warn(
          "online-state snapshot {} not used (it covers events up to storage sequence {}, the"
              + " event store ends at {}: was the event store replaced?); rebuilding from events",
          file,
          loaded.highWaterMark(),
          mark);
      return "snapshot ahead of the event store";
    }
    long loadedMs = (System.nanoTime() - start) / 1_000_000;
    long installStart = System.nanoTime();
    memory.restore(loaded.states());
    long installMs = (System.nanoTime() - installStart) / 1_000_000;
    long tailStart = System.nanoTime();
    long tail = applyStoredBetween(events, loaded.highWaterMark(), mark);
    long tailMs = (System.nanoTime() - tailStart) / 1_000_000;
    appliedMark = mark;
    OnlineStateSnapshot.ReadTimings t = loaded.timings();
    LOG.info(
        "online state restored: {} users from snapshot {} (storage sequence {}, read in {} ms:"
            + " index {} ms, decode {} ms on {} threads, {} chunks, {} bytes; install {} ms)"
            + " plus {} events stored after it ({} ms), in {} ms, ~{} bytes",
        loaded.states().size(),
        file,
        loaded.highWaterMark(),
        loadedMs,
        t.indexMs(),
        t.decodeMs(),
        t.threads(),
        t.chunks(),
        t.bytes(),
        installMs,
        tail,
        tailMs,
        (System.nanoTime() - start) / 1_000_000,
        store.estimatedBytes());
    return new StartOutcome(StartOutcome.Source.SNAPSHOT, loaded.highWaterMark(), tail, "");
  }

  private long applyStoredBetween(EventStore events, long after, long upTo) {
    List<Event> batch = new ArrayList<>(TAIL_BATCH);
    long[] n = new long[1];
    long start = System.nanoTime();
    long total =
        events.forEachStoredBetween(
            after,
            upTo,
            e -> {
              batch.add(e);
              if (batch.size() == TAIL_BATCH) {
                store.apply(batch);
                batch.clear();
                n[0] += TAIL_BATCH;
                if (n[0] % PROGRESS_EVERY_EVENTS == 0) {
                  LOG.info(
                      "applying events stored after the snapshot: {} of {} so far ({} s)",
                      n[0],
                      upTo - after,
                      (System.nanoTime() - start) / 1_000_000_000);
                }
              }
            });
    if (!batch.isEmpty()) {
      store.apply(batch);
    }
    return total;
  }

  private long rebuild(EventStore events, long mark) {
    long start = System.nanoTime();
    long[] counts = new long[2];
    long[] nextLog = {start + PROGRESS_EVERY_NANOS};
    events.forEachUserUpTo(
        mark,
        h -> {
          store.apply(h.events());
          counts[0]++;
          counts[1] += h.events().size();
          long now = System.nanoTime();
          if (now >= nextLog[0]) {
            nextLog[0] = now + PROGRESS_EVERY_NANOS;
            long ms = Math.max(1, (now - start) / 1_000_000);
            LOG.info(
                "rebuilding online state: {} users, {} events so far ({} events/s)",
                counts[0],
                counts[1],
                counts[1] * 1000 / ms);
          }
        });
    store.rebuilt();
    appliedMark = mark;
    LOG.info(
        "online state rebuilt: {} users from {} events in {} ms, ~{} bytes",
        counts[0],
        counts[1],
        (System.nanoTime() - start) / 1_000_000,
        store.estimatedBytes());
    return counts[1];
  }

  /**
   * How the state was brought up to date at start.
   *
   * @param source where the state came from
   * @param fromMark the snapshot's high-water mark (SNAPSHOT), or the mark rebuilt up to (REBUILD)
   * @param eventsApplied events applied at start: those stored after the snapshot, or all of them
   * @param whyNoSnapshot why a snapshot was not used (REBUILD), else empty
   */
  public record StartOutcome(
      Source source, long fromMark, long eventsApplied, String whyNoSnapshot) {
    /** Where the state came from. */
    public enum Source {
      /** A persistent store (Redis) already complete. */
      PERSISTENT,
      /** A snapshot plus the events stored after it. */
      SNAPSHOT,
      /** Every stored event. */
      REBUILD
    }
  }

  /**
   * Writes a snapshot of the in-memory state to {@code file} (atomically), with the event store's
   * high-water mark at the instant it stands for; ingestion pauses only while that mark is read.
   * Does nothing for a persistent store; deletes {@code file} instead when an update was lost (the
   * next start must rebuild).
   *
   * @return what was written, if anything
   */
  public Optional<SnapshotWritten> snapshotTo(Path file, EventStore events) throws IOException {
    if (!(store instanceof InMemoryOnlineFeatureStore memory)) {
      return Optional.empty();
    }
    if (memory.stale()) {
      discardStale(file);
      return Optional.empty();
    }
    long start = System.nanoTime();
    long mark;
    InMemoryOnlineFeatureStore.Capture capture;
    gate.writeLock().lock();
    try {
      mark = events.highWaterMark();
      capture = memory.beginCapture();
    } finally {
      gate.writeLock().unlock();
    }
    long users;
    try (capture) {
      users = OnlineStateSnapshot.write(file, mark, capture::forEach);
    }
    if (memory.stale()) {
      discardStale(file);
      return Optional.empty();
    }
    SnapshotWritten written =
        new SnapshotWritten(
            file,
            mark,
            users,
            java.nio.file.Files.size(file),
            (System.nanoTime() - start) / 1_000_000);
    LOG.info(
        "online-state snapshot written: {} users up to storage sequence {}, {} bytes, {} ms, {}",
        users,
        mark,
        written.bytes(),
        written.millis(),
        file);
    return Optional.of(written);
  }

  private static void discardStale(Path file) throws IOException {
    if (java.nio.file.Files.deleteIfExists(file)) {
      LOG.warn(
          "online state missed an update; snapshot {} deleted, the next start rebuilds from events",
          file);
    }
  }

  /** The event store's high-water mark the state was last brought up to at start. */
  public long startMark() {
    return appliedMark;
  }

  /** A snapshot written by {@link #snapshotTo}. */
  public record SnapshotWritten(
      Path file, long highWaterMark, long users, long bytes, long millis) {}

  @Override
  public void onStored(List<Event> stored) {
    try {
      store.apply(stored);
    } catch (RuntimeException e) {
      // The events are committed and acknowledged; only the derived state lags. Mark it stale so a
      // persistent store is rebuilt from the event store at the next start, and keep serving.
      failedUpdates.incrementAndGet();
      LOG.error("online state update failed for {} events; state marked stale", stored.size(), e);
      try {
        store.markStale();
      } catch (RuntimeException ignored) {
        // the store is unreachable; it will be found stale (or rebuilt) at start
      }
    }
  }

  /** Online-state updates that failed since start. */
  public long failedUpdates() {
    return failedUpdates.get();
  }

  /** The vectors of {@code userIds}, in request order. */
  public List<UserFeatures> forUsers(List<String> userIds) {
    if (userIds.isEmpty()) {
      throw InvalidInputException.of("user_ids", "at least one user id is required");
    }
    if (userIds.size() > maxUsersPerRequest) {
      throw InvalidInputException.of(
          "user_ids",
          userIds.size() + " user ids, at most " + maxUsersPerRequest + " allowed per request");
    }
    List<FieldError> blank = new ArrayList<>();
    for (int i = 0; i < userIds.size(); i++) {
      if (userIds.get(i).isBlank()) {
        blank.add(new FieldError("user_ids[" + i + "]", "is empty"));
      }
    }
    if (!blank.isEmpty()) {
      throw new InvalidInputException(blank.size() + " empty user id(s)", blank);
    }
    Instant now = clock.instant();
    List<UserFeatures> out = new ArrayList<>(userIds.size());
    for (String id : userIds) {
      Optional<OnlineFeatureStore.UserVector> v = store.vectorOf(id, now);
      out.add(
          v.map(uv -> new UserFeatures(id, uv.vector(), false, Optional.of(uv.lastEventAt())))
              .orElseGet(
                  () ->
                      new UserFeatures(
                          id, BatchFeatureComputer.coldStart(), true, Optional.empty())));
    }
    return out;
  }

  /** Users with online state. */
  public long users() {
    return store.users();
  }

  /** Approximate bytes of online state. */
  public long estimatedBytes() {
    return store.estimatedBytes();
  }

  /**
   * One user's features as of now.
   *
   * @param coldStart true when the user has no event: the vector is the cold-start vector
   */
  public record UserFeatures(
      String userId, FeatureVector vector, boolean coldStart, Optional<Instant> lastEventAt) {}
}
