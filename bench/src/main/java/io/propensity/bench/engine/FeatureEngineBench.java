package io.propensity.bench.engine;

import io.propensity.bench.support.DemoSets;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureVector;
import io.propensity.engine.features.UserFeatureState;
import io.propensity.sources.demo.DemoDataGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the feature engine on the demo clickstream, each figure next to a baseline that
 * only touches the same data, so that the ratio (not the noisy absolute) is what a run reports.
 *
 * <ul>
 *   <li>{@code baselineTouchEvents}: read a few fields of every event and sum them (events/s).
 *   <li>{@code incrementalApply}: a fresh {@link UserFeatureState} per user, every event of the
 *       user applied in arrival (time) order, as the online path does (events/s).
 *   <li>{@code batchCompute}: {@link BatchFeatureComputer#compute} over each user's whole history
 *       at the window's end, as the training-set path does per cutoff (events/s).
 *   <li>{@code baselineTouchUserHistory}: per call, sum the fields of one user's events (calls/s).
 *   <li>{@code vectorAsOf}: per call, one user's current vector from a built state (calls/s).
 *   <li>{@code batchComputeUser}: per call, the same vector recomputed from the user's history
 *       (calls/s): what the online state saves.
 * </ul>
 *
 * <p>Scores are operations per second: events for the first three (every invocation processes
 * exactly {@value #EVENTS} events of about 1,900 users), calls for the last three (users in
 * rotation). {@link FeatureEngineReport} runs them and prints the ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FeatureEngineBench {
  /** Events processed per invocation of the per-event benchmarks (their ops are events). */
  public static final int EVENTS = 65_536;

  private List<List<Event>> histories;
  private UserFeatureState[] states;
  private Instant end;
  private int next;

  /** Demo histories of the first users, cut so that they hold exactly {@value #EVENTS} events. */
  @Setup
  public void setUp() {
    end = DemoSets.FIXED_END;
    DemoDataGenerator demo = DemoSets.generator(DemoSets.usersFor(EVENTS, end) * 2 + 500, end);
    histories = new ArrayList<>();
    int total = 0;
    for (int u = 0; total < EVENTS; u++) {
      List<Event> h = demo.userEvents(u);
      if (h.isEmpty()) {
        continue;
      }
      List<Event> kept = h.subList(0, Math.min(h.size(), EVENTS - total));
      histories.add(List.copyOf(kept));
      total += kept.size();
    }
    states = new UserFeatureState[histories.size()];
    for (int i = 0; i < states.length; i++) {
      states[i] = new UserFeatureState();
      for (Event e : histories.get(i)) {
        states[i].apply(e);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long baselineTouchEvents() {
    long sum = 0;
    for (List<Event> h : histories) {
      for (Event e : h) {
        sum += touch(e);
      }
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void incrementalApply(Blackhole bh) {
    for (List<Event> h : histories) {
      UserFeatureState s = new UserFeatureState();
      for (Event e : h) {
        s.apply(e);
      }
      bh.consume(s);
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void batchCompute(Blackhole bh) {
    for (List<Event> h : histories) {
      bh.consume(BatchFeatureComputer.compute(h, end));
    }
  }

  @Benchmark
  public long baselineTouchUserHistory() {
    long sum = 0;
    for (Event e : histories.get(nextUser())) {
      sum += touch(e);
    }
    return sum;
  }

  @Benchmark
  public FeatureVector vectorAsOf() {
    return states[nextUser()].vectorAsOf(end);
  }

  @Benchmark
  public FeatureVector batchComputeUser() {
    return BatchFeatureComputer.compute(histories.get(nextUser()), end);
  }

  private int nextUser() {
    int i = next;
    next = i + 1 == histories.size() ? 0 : i + 1;
    return i;
  }

  private static long touch(Event e) {
    return e.occurredAt().toEpochMilli()
        + e.type().ordinal()
        + e.quantity()
        + (long) e.price().orElse(0)
        + e.userId().length();
  }
}
