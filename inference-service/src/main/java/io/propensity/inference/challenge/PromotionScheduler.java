package io.propensity.inference.challenge;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the promotion policy for each model every interval, on one daemon thread. */
public final class PromotionScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionScheduler.class);

  private final PromotionPolicy policy;
  private final List<String> models;
  private final Duration interval;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "promotion-policy");
            t.setDaemon(true);
            return t;
          });

  public PromotionScheduler(PromotionPolicy policy, List<String> models, Duration interval) {
    this.policy = policy;
    this.models = List.copyOf(models);
    this.interval = interval;
  }

  /** Starts the runs: the first after one interval. */
  public void start() {
    long ms = Math.max(1, interval.toMillis());
    thread.scheduleWithFixedDelay(this::runOnce, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Decides once for every model (with a shared history, only for the models whose run this replica
   * claims); a failure for one model is logged and the others still run.
   */
  public void runOnce() {
    for (String model : models) {
      try {
        policy.decideIfClaimed(model);
      } catch (RuntimeException e) {
        LOG.warn("promotion decision model={} failed: {}", model, e.toString());
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
