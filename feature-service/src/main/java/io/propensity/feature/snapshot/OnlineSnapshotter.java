package io.propensity.feature.snapshot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.store.EventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a snapshot of the in-memory online state periodically and once more at graceful shutdown,
 * so that the next start reads it and applies only the events stored after it.
 */
public final class OnlineSnapshotter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineSnapshotter.class);

  private final OnlineFeatures online;
  private final EventStore events;
  private final Optional<Path> file;
  private final ScheduledExecutorService thread;
  private final Timer written;
  private final Counter failures;
  private volatile long lastWrittenAtMs = -1;
  private volatile boolean closed;

  public OnlineSnapshotter(
      OnlineFeatures online,
      EventStore events,
      Optional<Path> file,
      Duration interval,
      MeterRegistry registry) {
    this.online = online;
    this.events = events;
    this.file = file;
    this.written =
        Timer.builder("propensity.online.snapshot")
            .description("Time to write a snapshot of the in-memory online state")
            .register(registry);
    this.failures =
        Counter.builder("propensity.online.snapshot.failures")
            .description("Snapshots of the online state that could not be written")
            .register(registry);
    Gauge.builder(
            "propensity.online.snapshot.age.seconds",
            this,
            s ->
                s.lastWrittenAtMs < 0
                    ? Double.NaN
                    : (System.currentTimeMillis() - s.lastWrittenAtMs) / 1000.0)
        .description("Seconds since the last snapshot of the online state was written")
        .register(registry);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "online-snapshot");
              t.setDaemon(true);
              return t;
            });
    if (file.isPresent()) {
      long ms = interval.toMillis();
      thread.scheduleWithFixedDelay(this::snapshotNow, ms, ms, TimeUnit.MILLISECONDS);
      LOG.info("online-state snapshots every {} to {}", interval, file.get());
    }
  }

  /**
   * Writes a snapshot now (on the caller's thread); false when it failed (logged). Does nothing
   * when snapshots are off.
   */
  public synchronized boolean snapshotNow() {
    if (file.isEmpty()) {
      return true;
    }
    long start = System.nanoTime();
    try {
      Optional<OnlineFeatures.SnapshotWritten> w = online.snapshotTo(file.get(), events);
      if (w.isPresent()) {
        written.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        lastWrittenAtMs = System.currentTimeMillis();
      }
      return true;
    } catch (Exception e) {
      failures.increment();
      LOG.error("cannot write the online-state snapshot {}: {}", file.get(), e.getMessage(), e);
      return false;
    }
  }

  /** Stops the periodic snapshots and writes the last one (graceful shutdown). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    thread.shutdown();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (file.isPresent()) {
      LOG.info("writing the online-state snapshot at shutdown");
      snapshotNow();
    }
  }
}
