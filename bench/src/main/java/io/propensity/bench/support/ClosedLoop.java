package io.propensity.bench.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load: each of N threads issues one call, waits for its answer, and issues the next,
 * for a fixed time; latencies go into an HdrHistogram (nanoseconds, 3 significant digits).
 */
public final class ClosedLoop {
  /** Latencies above this are clamped (every call has a shorter deadline anyway). */
  private static final long HIGHEST_NANOS = Duration.ofSeconds(60).toNanos();

  private ClosedLoop() {}

  /** One blocking call; {@code random} is the calling thread's own generator. */
  @FunctionalInterface
  public interface Call {
    void run(SplittableRandom random) throws Exception;
  }

  /** What a phase measured. */
  public record Outcome(
      String name, Histogram latencies, long errors, double seconds, String firstError) {
    public long calls() {
      return latencies.getTotalCount();
    }

    public double callsPerSecond() {
      return calls() / seconds;
    }

    /** The latency at {@code percentile} (0 to 100), in nanoseconds. */
    public double at(double percentile) {
      return latencies.getValueAtPercentile(percentile);
    }
  }

  /**
   * Measures several calls under the same conditions: time is cut into slices, and the calls take
   * turns slice by slice in ABBA order (A B, B A, …) until each had {@code durationEach}, so that a
   * change in background load affects all of them alike. Returns one outcome per call, in order.
   */
  public static List<Outcome> alternate(
      List<String> names,
      List<Call> calls,
      int threads,
      Duration durationEach,
      Duration slice,
      long seed)
      throws InterruptedException {
    return interleave(
        names,
        durationEach,
        slice,
        seed,
        (i, d, sliceSeed) -> run(names.get(i), threads, d, sliceSeed, calls.get(i)));
  }

  /** One slice of lane {@code lane}, measured for {@code duration} with {@code seed}. */
  @FunctionalInterface
  public interface Slice {
    Outcome run(int lane, Duration duration, long seed) throws InterruptedException;
  }

  /**
   * Runs the lanes named {@code names} slice by slice in turns, in ABBA order (A B, B A, A B …)
   * until each had {@code durationEach}, and merges each lane's slices into one outcome: the common
   * part of the closed-loop and the fixed-rate {@code alternate}.
   */
  public static List<Outcome> interleave(
      List<String> names, Duration durationEach, Duration slice, long seed, Slice lane)
      throws InterruptedException {
    int n = names.size();
    List<Histogram> hist = new ArrayList<>();
    long[] errors = new long[n];
    double[] seconds = new double[n];
    String[] firstError = new String[n];
    for (int i = 0; i < n; i++) {
      hist.add(new Histogram(HIGHEST_NANOS, 3));
      firstError[i] = "";
    }
    long slices = Math.max(1, durationEach.toNanos() / slice.toNanos());
    for (long s = 0; s < slices; s++) {
      for (int k = 0; k < n; k++) {
        // ABBA: every other round runs the lanes in reverse, so that neither lane always follows
        // the other (a trend in background load or a warm-up effect cancels out)
        int i = s % 2 == 0 ? k : n - 1 - k;
        Outcome o = lane.run(i, slice, seed + s * n + i);
        hist.get(i).add(o.latencies());
        errors[i] += o.errors();
        seconds[i] += o.seconds();
        if (firstError[i].isEmpty()) {
          firstError[i] = o.firstError();
        }
      }
    }
    List<Outcome> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Outcome(names.get(i), hist.get(i), errors[i], seconds[i], firstError[i]));
    }
    return out;
  }

  /**
   * Runs {@code call} from {@code threads} threads for {@code duration}, and collects the
   * latencies.
   */
  public static Outcome run(String name, int threads, Duration duration, long seed, Call call)
      throws InterruptedException {
    List<Histogram> perThread = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    String[] firstError = {""};
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long[] window = new long[2];
    for (int i = 0; i < threads; i++) {
      Histogram h = new Histogram(HIGHEST_NANOS, 3);
      perThread.add(h);
      SplittableRandom random = new SplittableRandom(seed * 1_000 + i);
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                long end = window[1];
                while (true) {
                  long t0 = System.nanoTime();
                  if (t0 >= end) {
                    return;
                  }
                  try {
                    call.run(random);
                    h.recordValue(Math.min(HIGHEST_NANOS, System.nanoTime() - t0));
                  } catch (Exception e) {
                    if (errors.getAndIncrement() == 0) {
                      firstError[0] = e.toString();
                    }
                  }
                }
              },
              name + "-" + i);
      workers.add(t);
      t.start();
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + duration.toNanos();
    start.countDown();
    for (Thread t : workers) {
      t.join();
    }
    double seconds = (System.nanoTime() - window[0]) / 1e9;
    Histogram all = new Histogram(HIGHEST_NANOS, 3);
    for (Histogram h : perThread) {
      all.add(h);
    }
    return new Outcome(name, all, errors.get(), seconds, firstError[0]);
  }
}
