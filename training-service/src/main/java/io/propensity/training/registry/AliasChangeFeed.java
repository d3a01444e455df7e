package io.propensity.training.registry;

import io.propensity.common.error.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alias changes to watchers by following the store's change feed: one thread polls {@code
 * alias_changes} for ids above what every watcher has seen, every poll interval and right after a
 * change made through this process. Polling the table (rather than in-process callbacks or
 * PostgreSQL LISTEN/NOTIFY) makes the embedded and the PostgreSQL backend behave the same, and
 * reaches changes made by any other registry process on the same database; a change costs at most
 * one poll interval of latency, and an idle feed one cheap indexed query per interval.
 */
final class AliasChangeFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AliasChangeFeed.class);
  private static final int BATCH = 500;

  private final RegistryStore store;
  private final ScheduledExecutorService poller;
  private final AtomicBoolean wakeQueued = new AtomicBoolean();
  // Guards watchers and their cursors: subscribing and polling exclude each other, so a new
  // watcher's cursor is never behind a poll in progress.
  private final Object lock = new Object();
  private final List<Watcher> watchers = new ArrayList<>();
  private boolean closed;

  AliasChangeFeed(RegistryStore store, Duration pollInterval) {
    this.store = store;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "registry-watch");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(1, pollInterval.toMillis());
    poller.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  Subscription subscribe(Set<String> names, boolean sendInitialState, WatchListener listener) {
    synchronized (lock) {
      if (closed) {
        throw new UnavailableException("the model registry is shutting down");
      }
      long cursor;
      if (sendInitialState) {
        RegistryStore.AliasSnapshot snapshot = store.aliasSnapshot(names);
        listener.onInitialState(snapshot.aliases());
        cursor = snapshot.lastChangeId();
      } else {
        cursor = store.lastChangeId();
      }
      Watcher w = new Watcher(Set.copyOf(names), listener, cursor);
      watchers.add(w);
      return () -> {
        synchronized (lock) {
          watchers.remove(w);
        }
      };
    }
  }

  /** Polls soon, so watchers in this process see a change made here without waiting an interval. */
  void wake() {
    if (wakeQueued.compareAndSet(false, true)) {
      try {
        poller.execute(
            () -> {
              wakeQueued.set(false);
              pollQuietly();
            });
      } catch (RejectedExecutionException closing) {
        wakeQueued.set(false);
      }
    }
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      // The database may be briefly unreachable; watchers keep their cursors and catch up later.
      LOG.warn("cannot read the registry's alias changes; retrying: {}", e.getMessage());
    }
  }

  private void poll() {
    synchronized (lock) {
      if (watchers.isEmpty() || closed) {
        return;
      }
      long from = Long.MAX_VALUE;
      for (Watcher w : watchers) {
        from = Math.min(from, w.cursor);
      }
      while (true) {
        List<AliasChange> changes = store.changesAfter(from, BATCH);
        for (AliasChange c : changes) {
          for (Watcher w : List.copyOf(watchers)) {
            if (c.changeId() > w.cursor) {
              w.cursor = c.changeId();
              if (w.names.isEmpty() || w.names.contains(c.name())) {
                deliver(w, c);
              }
            }
          }
          from = c.changeId();
        }
        if (changes.size() < BATCH) {
          return;
        }
      }
    }
  }

  private void deliver(Watcher w, AliasChange change) {
    try {
      w.listener.onChange(change);
    } catch (RuntimeException e) {
      LOG.warn("dropping a registry watcher whose listener failed: {}", e.toString());
      watchers.remove(w);
    }
  }

  @Override
  public void close() {
    List<Watcher> remaining;
    synchronized (lock) {
      closed = true;
      remaining = List.copyOf(watchers);
      watchers.clear();
    }
    poller.shutdownNow();
    for (Watcher w : remaining) {
      try {
        w.listener.onClosed();
      } catch (RuntimeException e) {
        LOG.debug("watcher failed on close", e);
      }
    }
  }

  private static final class Watcher {
    final Set<String> names;
    final WatchListener listener;
    long cursor;

    Watcher(Set<String> names, WatchListener listener, long cursor) {
      this.names = names;
      this.listener = listener;
      this.cursor = cursor;
    }
  }
}
