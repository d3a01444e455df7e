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

  /**
   * The number of cutoffs {@link #rolling} gives for this range, without listing them: 0 when
   * {@code end} is before {@code start}.
   */
  public static long count(Instant start, Instant end, Duration step) {
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("step must be positive: " + step);
    }
    return end.isBefore(start) ? 0 : Duration.between(start, end).dividedBy(step) + 1;
  }

  /**
   * A duration in the one unit that states it exactly, as a person writes it in a message or an
   * option: {@code 7d}, {@code 36h}, {@code 10m}, {@code 90s} ({@code 1500ms} below a second).
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s != 0 && s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s != 0 && s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
