package io.propensity.engine.labels;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Cutoff schedules for training sets. */
public final class Cutoffs {

  private Cutoffs() {}

  /**
   * {@code start, start + step, ...} up to and including {@code end}. For honest labels choose
   * {@code end} so that {@code end + horizon} is not later than the end of the logged data: past it
   * a user looks silent (churned, not purchasing) only because the log stops.
   */
  public static List<Instant> rolling(Instant start, Instant end, Duration step) {
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("step must be positive: " + step);
    }
    List<Instant> out = new ArrayList<>();
    for (Instant t = start; !t.isAfter(end); t = t.plus(step)) {
      out.add(t);
    }
    return List.copyOf(out);
  }
}
