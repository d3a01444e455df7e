package io.propensity.bench.support;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Measures a set of RPC "lanes" under the same conditions, closed-loop and/or at a fixed rate, in
 * alternating slices, and prints their latency table and their ratios against reference lanes (the
 * first lane, by convention the empty RPC of the server under test).
 */
public final class LatencyLanes {
  /**
   * One RPC measured: a blocking form for the closed loop and an asynchronous one for the fixed
   * rate.
   */
  public record Lane(String name, ClosedLoop.Call blocking, FixedRate.AsyncCall async) {}

  /**
   * A ratio table to print: {@code lane} against {@code reference}, with optional goals (NaN:
   * none).
   */
  public record Comparison(String lane, String reference, double goalP50, double goalP99) {
    public static Comparison of(String lane, String reference) {
      return new Comparison(lane, reference, Double.NaN, Double.NaN);
    }
  }

  /** How to load: which modes, how many closed-loop threads, which fixed rate, how long. */
  public record Plan(
      Set<String> modes,
      int threads,
      double ratePerSecond,
      double rateFraction,
      Duration warmup,
      Duration duration,
      Duration slice,
      int maxOutstanding) {
    public boolean closed() {
      return modes.contains("closed");
    }

    public boolean fixed() {
      return modes.contains("fixed");
    }
  }

  /** The outcomes of one mode, in lane order, with a description of the load. */
  public record Measured(String mode, String load, List<ClosedLoop.Outcome> outcomes) {
    ClosedLoop.Outcome get(String name) {
      return outcomes.stream()
          .filter(o -> o.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no lane " + name));
    }
  }

  private LatencyLanes() {}

  /**
   * Parses {@code --modes closed,fixed}: the closed loop, the fixed rate, or both; and {@code
   * --rate} / {@code --rate-fraction} of the fixed rate.
   */
  public static Plan plan(Args args, int defaultThreads, Duration defaultDuration) {
    String modeList = args.string("modes", "closed,fixed");
    Set<String> modes = Set.of(modeList.split(","));
    for (String m : modes) {
      if (!m.equals("closed") && !m.equals("fixed")) {
        throw new IllegalArgumentException("--modes: '" + m + "' is not closed or fixed");
      }
    }
    int threads = args.intValue("threads", defaultThreads, 1, 64);
    long rate = args.longValue("rate", 0, 0, 1_000_000);
    double fraction = args.intValue("rate-percent", 50, 1, 200) / 100.0;
    Duration warmup =
        args.duration("warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5));
    Duration duration =
        args.duration("duration", defaultDuration, Duration.ofSeconds(1), Duration.ofMinutes(10));
    Duration slice =
        args.duration(
            "slice", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(1));
    int maxOutstanding = args.intValue("max-outstanding", 1_000, 1, 100_000);
    if (slice.compareTo(duration) > 0) {
      slice = duration;
    }
    if (!modes.contains("closed") && modes.contains("fixed") && rate == 0) {
      throw new IllegalArgumentException(
          "--modes fixed alone needs --rate (otherwise it is derived from the closed loop)");
    }
    return new Plan(modes, threads, rate, fraction, warmup, duration, slice, maxOutstanding);
  }

  /** The option lines of {@link #plan}, for a usage text. */
  public static String usage(int defaultThreads, Duration defaultDuration) {
    return String.format(
        Locale.ROOT,
        """
          --modes M       closed, fixed or closed,fixed (default closed,fixed)
          --threads N     client threads of the closed loop (default %d)
          --rate N        calls/s of the fixed-rate (open-loop) mode, every lane alike (default 0: --rate-percent
                          of the slowest lane's closed-loop throughput in this run)
          --rate-percent P  see --rate (default 50)
          --max-outstanding N  calls in flight at most in the fixed-rate mode (default 1000)
          --warmup D      warm-up, all lanes mixed, closed loop, not recorded (default 5s)
          --duration D    measured time of each lane in each mode (default %ds)
          --slice D       the lanes take turns in slices of this length (default 1s)
        """,
        defaultThreads,
        defaultDuration.toSeconds());
  }

  /**
   * Warms up, then measures every lane in each mode of {@code plan}; closed first (it sets the
   * rate).
   */
  public static List<Measured> measure(List<Lane> lanes, Plan plan) throws InterruptedException {
    List<String> names = lanes.stream().map(Lane::name).toList();
    if (!plan.warmup().isZero()) {
      System.out.printf(
          Locale.ROOT,
          "warm-up %d s, %d threads, all lanes mixed...%n",
          plan.warmup().toSeconds(),
          plan.threads());
      ClosedLoop.run(
          "warmup",
          plan.threads(),
          plan.warmup(),
          1,
          random -> lanes.get(random.nextInt(lanes.size())).blocking().run(random));
    }
    List<Measured> out = new ArrayList<>();
    double rate = plan.ratePerSecond();
    if (plan.closed()) {
      System.out.printf(
          Locale.ROOT,
          "closed loop: %s, %d s each, alternating %d ms slices, %d threads...%n",
          String.join(", ", names),
          plan.duration().toSeconds(),
          plan.slice().toMillis(),
          plan.threads());
      List<ClosedLoop.Outcome> closed =
          ClosedLoop.alternate(
              names,
              lanes.stream().map(Lane::blocking).toList(),
              plan.threads(),
              plan.duration(),
              plan.slice(),
              2);
      out.add(new Measured("closed loop", plan.threads() + " threads", closed));
      if (rate == 0) {
        double slowest =
            closed.stream().mapToDouble(ClosedLoop.Outcome::callsPerSecond).min().orElse(100);
        rate = Math.max(10, Math.round(slowest * plan.rateFraction() / 10) * 10.0);
      }
    }
    if (plan.fixed()) {
      System.out.printf(
          Locale.ROOT,
          "fixed rate: %,.0f calls/s per lane, latency from the intended send time, %d s each, alternating %d ms slices...%n",
          rate,
          plan.duration().toSeconds(),
          plan.slice().toMillis());
      List<ClosedLoop.Outcome> fixed =
          FixedRate.alternate(
              names,
              lanes.stream().map(Lane::async).toList(),
              rate,
              plan.duration(),
              plan.slice(),
              plan.maxOutstanding(),
              3);
      out.add(new Measured("fixed rate", String.format(Locale.ROOT, "%,.0f calls/s", rate), fixed));
    }
    return out;
  }

  /**
   * Prints, per mode, the latency table and one ratio table per comparison. Returns whether every
   * goal was met.
   */
  public static boolean report(
      String title, List<Measured> measured, List<Comparison> comparisons) {
    boolean allMet = true;
    for (Measured m : measured) {
      latencyTable(title + " — " + m.mode() + ", " + m.load(), m.outcomes()).print(System.out);
      Table r =
          new Table(
              "ratios, " + m.mode() + " (same run)",
              "lane / reference",
              "p50",
              "p99",
              "p99.9",
              "throughput",
              "goals");
      for (Comparison c : comparisons) {
        ClosedLoop.Outcome lane = m.get(c.lane());
        ClosedLoop.Outcome ref = m.get(c.reference());
        double p50 = lane.at(50) / ref.at(50);
        double p99 = lane.at(99) / ref.at(99);
        List<String> goals = new ArrayList<>();
        if (!Double.isNaN(c.goalP50())) {
          boolean met = p50 <= c.goalP50();
          allMet &= met;
          goals.add(
              String.format(Locale.ROOT, "p50 <= %.1f %s", c.goalP50(), met ? "met" : "MISSED"));
        }
        if (!Double.isNaN(c.goalP99())) {
          boolean met = p99 <= c.goalP99();
          allMet &= met;
          goals.add(
              String.format(Locale.ROOT, "p99 <= %.1f %s", c.goalP99(), met ? "met" : "MISSED"));
        }
        r.row(
            c.lane() + " / " + c.reference(),
            Table.ratio(p50),
            Table.ratio(p99),
            Table.ratio(lane.at(99.9) / ref.at(99.9)),
            Table.ratio(lane.callsPerSecond() / ref.callsPerSecond()),
            String.join(", ", goals));
      }
      r.print(System.out);
      for (ClosedLoop.Outcome o : m.outcomes()) {
        if (o.errors() > 0) {
          System.out.println(
              "errors in " + o.name() + " (" + m.mode() + "), first: " + o.firstError());
        }
      }
    }
    return allMet;
  }

  /** A lane whose blocking and asynchronous forms share one request builder and answer check. */
  public static <T> Lane lane(
      String name,
      Function<SplittableRandom, T> blocking,
      Function<SplittableRandom, ListenableFuture<T>> async,
      Consumer<T> check) {
    return new Lane(
        name,
        random -> check.accept(blocking.apply(random)),
        random ->
            Futures.transform(
                async.apply(random),
                answer -> {
                  check.accept(answer);
                  return answer;
                },
                MoreExecutors.directExecutor()));
  }

  /** One row per outcome: calls, rate, p50/p90/p99/p99.9/max latency and errors. */
  public static Table latencyTable(String title, List<ClosedLoop.Outcome> outcomes) {
    Table t =
        new Table(title, "RPC", "calls", "calls/s", "p50", "p90", "p99", "p99.9", "max", "errors");
    for (ClosedLoop.Outcome o : outcomes) {
      t.row(
          o.name(),
          Table.count(o.calls()),
          Table.rate(o.callsPerSecond()),
          Table.micros(o.at(50)),
          Table.micros(o.at(90)),
          Table.micros(o.at(99)),
          Table.micros(o.at(99.9)),
          Table.micros(o.latencies().getMaxValue()),
          Table.count(o.errors()));
    }
    return t;
  }
}
