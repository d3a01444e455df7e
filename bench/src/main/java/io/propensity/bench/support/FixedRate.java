package io.propensity.bench.support;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load at a fixed rate: call i is due at {@code start + i / rate}, whether or not the
 * earlier calls have been answered, and its latency is measured from that intended send time, not
 * from when it actually left. A stall of the server (or of the sender) therefore shows up in the
 * latency of every call that should have been sent during it: no coordinated omission.
 */
public final class FixedRate {
  private static final long HIGHEST_NANOS = Duration.ofSeconds(60).toNanos();

  private FixedRate() {}

  /**
   * Starts one asynchronous call; the future fails when the call (or the check of its answer)
   * fails.
   */
  @FunctionalInterface
  public interface AsyncCall {
    ListenableFuture<?> start(SplittableRandom random);
  }

  /**
   * Measures several calls at the same rate in alternating slices (A B A B …) until each had {@code
   * durationEach}; each slice drains its calls before the next starts. One outcome per call, in
   * order; {@link ClosedLoop.Outcome#seconds()} spans from the first intended send to the last
   * answer.
   */
  public static List<ClosedLoop.Outcome> alternate(
      List<String> names,
      List<AsyncCall> calls,
      double ratePerSecond,
      Duration durationEach,
      Duration slice,
      int maxOutstanding,
      long seed)
      throws InterruptedException {
    return ClosedLoop.interleave(
        names,
        durationEach,
        slice,
        seed,
        (i, d, sliceSeed) ->
            run(names.get(i), ratePerSecond, d, maxOutstanding, sliceSeed, calls.get(i)));
  }

  /**
   * Sends {@code call} at {@code ratePerSecond} for {@code duration} from one sender thread and
   * waits for every answer. At most {@code maxOutstanding} calls are in flight; beyond that the
   * sender waits, and the wait counts in the latency of the calls it delays (they are still timed
   * from their due time).
   */
  public static ClosedLoop.Outcome run(
      String name,
      double ratePerSecond,
      Duration duration,
      int maxOutstanding,
      long seed,
      AsyncCall call)
      throws InterruptedException {
    Histogram latencies = new Histogram(HIGHEST_NANOS, 3);
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>("");
    Semaphore inFlight = new Semaphore(maxOutstanding);
    SplittableRandom random = new SplittableRandom(seed);
    double period = 1e9 / ratePerSecond;
    long count = Math.max(1, Math.round(duration.toNanos() / period));
    long start = System.nanoTime();
    long[] lastAnswer = {start};
    for (long i = 0; i < count; i++) {
      long due = start + (long) (i * period);
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.acquire();
      ListenableFuture<?> f;
      try {
        f = call.start(random);
      } catch (RuntimeException e) {
        f = Futures.immediateFailedFuture(e);
      }
      Futures.addCallback(
          f,
          new FutureCallback<Object>() {
            @Override
            public void onSuccess(Object result) {
              done(null);
            }

            @Override
            public void onFailure(Throwable t) {
              done(t);
            }

            private void done(Throwable failure) {
              long now = System.nanoTime();
              synchronized (latencies) {
                if (failure == null) {
                  latencies.recordValue(Math.min(HIGHEST_NANOS, Math.max(0, now - due)));
                } else if (errors.getAndIncrement() == 0) {
                  firstError.set(failure.toString());
                }
                lastAnswer[0] = Math.max(lastAnswer[0], now);
              }
              inFlight.release();
            }
          },
          MoreExecutors.directExecutor());
    }
    // every call has a deadline, so this ends
    if (!inFlight.tryAcquire(maxOutstanding, 2, TimeUnit.MINUTES)) {
      throw new IllegalStateException(
          name + ": calls still unanswered 2 minutes after the last was sent");
    }
    synchronized (latencies) {
      return new ClosedLoop.Outcome(
          name, latencies.copy(), errors.get(), (lastAnswer[0] - start) / 1e9, firstError.get());
    }
  }
}
