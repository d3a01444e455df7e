package io.propensity.cli;

import io.propensity.engine.labels.Cutoffs;
import io.propensity.engine.labels.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The cutoffs of a training set when the user leaves some out: placed where the stored events are
 * dense, so that a few stray events long before or after the bulk of a log do not move them. The
 * rule (also in the README, "Default cutoffs"):
 *
 * <ol>
 *   <li>The dense part of the log runs from the 1% to the 99% quantile of the event times; the
 *       events outside it still feed features and labels, they only do not place cutoffs.
 *   <li>The last cutoff leaves the label's reach before the dense part ends: the horizon, or for
 *       session conversion the 30-minute session gap, so every label sees a complete window.
 *   <li>The first cutoff leaves history for the features: a quarter of the dense part before the
 *       last cutoff, at most 30 days (the longest feature window). Session conversion starts at the
 *       dense part itself: its rows are taken inside sessions, whose events the features see.
 *   <li>The dense part must span at least 1.5 × the reach (history, then cutoffs, then the reach).
 *   <li>The step is the longest of {@link #STEPS} that gives at least 8 intervals over the cutoff
 *       range (minutes for a log of a few hours, days for weeks, 7 days for a year or more); the
 *       last cutoff sits on a whole multiple of the step (of a day for steps over a day).
 * </ol>
 *
 * <p>Whatever the user gives (--from, --to, --step) is kept as given; only the rest is chosen.
 */
final class DefaultCutoffs {
  /** Share of the events at each end of the log that does not place cutoffs. */
  static final double SPARSE_SHARE = 0.01;

  /** Fewest events for which quantiles say where the data is dense. */
  static final long MIN_EVENTS = 100;

  /** The dense part must span this many times the label's reach. */
  static final double MIN_SPAN_PER_REACH = 1.5;

  /** Most history left before the first cutoff: the longest feature window. */
  static final Duration MAX_HISTORY = Duration.ofDays(30);

  /** The step gives at least this many intervals over the cutoff range. */
  static final int MIN_INTERVALS = 8;

  /** The most cutoffs feature-service accepts in one training set. */
  static final int MAX_CUTOFFS = 1_000;

  /** The steps a default is chosen from, ascending. */
  static final List<Duration> STEPS =
      List.of(
          Duration.ofMinutes(1),
          Duration.ofMinutes(2),
          Duration.ofMinutes(5),
          Duration.ofMinutes(10),
          Duration.ofMinutes(15),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(2),
          Duration.ofHours(3),
          Duration.ofHours(6),
          Duration.ofHours(12),
          Duration.ofDays(1),
          Duration.ofDays(2),
          Duration.ofDays(7));

  private DefaultCutoffs() {}

  /**
   * Where the stored events lie in time.
   *
   * @param events stored events
   * @param permilles 1,001 ascending times, entry k the k/1000 quantile (0 = oldest, 1000 = newest)
   */
  record EventTimes(long events, List<Instant> permilles) {
    EventTimes {
      permilles = List.copyOf(permilles);
      if (events > 0 && permilles.size() != 1001) {
        throw new IllegalArgumentException("1,001 permilles expected, got " + permilles.size());
      }
    }

    Instant quantile(double share) {
      return permilles.get((int) Math.round(share * 1000));
    }
  }

  /**
   * The cutoffs: {@code start, start + step, ...} up to {@code end} (itself a cutoff).
   *
   * @param why how the defaults were found; empty when the user gave all of them
   */
  record Choice(Instant start, Instant end, Duration step, long count, String why) {
    /** One line: "cutoffs every 1d from … to … (6 cutoffs)". */
    String summary() {
      return String.format(
          Locale.ROOT,
          "cutoffs every %s from %s to %s (%,d cutoff%s)",
          Cutoffs.format(step),
          start,
          end,
          count,
          count == 1 ? "" : "s");
    }
  }

  /**
   * Fills in what the user left out.
   *
   * @param horizon the label window (ignored for session conversion)
   * @param times the stored events' times; needed unless both {@code from} and {@code to} are given
   * @throws CliException (exit 2) saying how much data is needed and which options to give, when
   *     the data or the options leave no cutoff
   */
  static Choice choose(
      Target target,
      Duration horizon,
      Optional<Instant> from,
      Optional<Instant> to,
      Optional<Duration> step,
      Optional<EventTimes> times) {
    if (from.isPresent() && to.isPresent()) {
      if (to.get().isBefore(from.get())) {
        throw new CliException(
            "--from " + from.get() + " is after --to " + to.get() + ": give a --from before --to",
            2);
      }
      return onGrid(from.get(), to.get(), step, from, Optional.empty(), 1, "");
    }
    EventTimes t = times.orElseThrow(() -> new IllegalArgumentException("event times needed"));
    if (t.events() < MIN_EVENTS) {
      throw new CliException(
          String.format(
              Locale.ROOT,
              "only %,d events are stored; default cutoffs need at least %,d to see where the"
                  + " events are dense: import more, or place the cutoffs with --from and --to",
              t.events(),
              MIN_EVENTS),
          2);
    }
    Duration reach = target.labelReach(horizon);
    Instant low = t.quantile(SPARSE_SHARE);
    Instant high = t.quantile(1 - SPARSE_SHARE);
    Duration dense = Duration.between(low, high);
    String denseText =
        String.format(
            Locale.ROOT,
            "%.0f%% of the %,d events fall in %s .. %s (%s)",
            100 * (1 - 2 * SPARSE_SHARE),
            t.events(),
            low,
            high,
            span(dense));
    if (from.isEmpty() && to.isEmpty() && tooShort(dense, reach)) {
      throw new CliException(tooShortMessage(target, horizon, reach, dense, denseText), 2);
    }
    Instant endLimit = to.orElse(high.minus(reach));
    Duration history = Duration.ZERO;
    Instant startLimit;
    if (from.isPresent()) {
      startLimit = from.get();
    } else {
      if (target.usesHorizon() && endLimit.isAfter(low)) {
        history = min(MAX_HISTORY, Duration.between(low, endLimit).dividedBy(4));
        history = history.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      }
      startLimit = low.plus(history);
    }
    if (endLimit.isBefore(startLimit)) {
      throw new CliException(
          (from.isPresent()
                  ? "--from " + from.get() + " leaves no cutoff: the last must be by " + endLimit
                  : "--to " + to.get() + " leaves no cutoff: the first can be from " + startLimit)
              + " ("
              + denseText
              + "; the last cutoff leaves "
              + reachPhrase(target, reach)
              + " before the dense part ends); give "
              + (from.isPresent() ? "an earlier --from" : "a later --to")
              + ", or both --from and --to",
          2);
    }
    StringBuilder why =
        new StringBuilder(denseText)
            .append("; the oldest 1% (back to ")
            .append(t.permilles().get(0))
            .append(") and the newest 1% (up to ")
            .append(t.permilles().get(1000))
            .append(") do not place cutoffs");
    if (to.isEmpty()) {
      why.append("; the last cutoff leaves ")
          .append(reachPhrase(target, reach))
          .append(" before the dense part ends");
    }
    if (from.isEmpty()) {
      why.append(
          target.usesHorizon()
              ? "; the first leaves " + span(history) + " of history for the features"
              : "; the first is where the dense part starts (session rows need no history)");
    }
    if (step.isEmpty()) {
      why.append("; the step gives ").append(MIN_INTERVALS).append(" or more intervals");
    }
    return onGrid(
        startLimit, endLimit, step, from, to, target.usesHorizon() ? 2 : 1, why.toString());
  }

  /**
   * Cutoffs within [startLimit, endLimit] every {@code step} (chosen when empty): from {@code
   * fixedStart} when the user gave it, else ending at {@code fixedEnd} or the last grid time; at
   * least {@code needed} of them.
   */
  private static Choice onGrid(
      Instant startLimit,
      Instant endLimit,
      Optional<Duration> step,
      Optional<Instant> fixedStart,
      Optional<Instant> fixedEnd,
      int needed,
      String why) {
    Duration range = Duration.between(startLimit, endLimit);
    Duration s = step.orElseGet(() -> stepFor(range));
    Instant start;
    Instant end;
    if (fixedStart.isPresent()) {
      start = fixedStart.get();
      end = start.plus(s.multipliedBy(Duration.between(start, endLimit).dividedBy(s)));
    } else {
      end = fixedEnd.orElseGet(() -> alignDown(endLimit, s));
      long intervals =
          end.isBefore(startLimit) ? -1 : Duration.between(startLimit, end).dividedBy(s);
      start = end.minus(s.multipliedBy(Math.max(0, intervals)));
      if (intervals < 0) {
        start = end.plus(s); // no cutoff fits: refused below
      }
    }
    long count = Cutoffs.count(start, end, s);
    if (count < needed) {
      throw new CliException(
          "--step "
              + Cutoffs.format(s)
              + " leaves "
              + (count == 0 ? "no cutoff" : "a single cutoff")
              + " between "
              + startLimit
              + " and "
              + endLimit
              + (needed == 2 ? " (a time split needs 2 or more)" : "")
              + ": give --step "
              + Cutoffs.format(stepFor(range))
              + " or shorter",
          2);
    }
    if (count > MAX_CUTOFFS) {
      throw new CliException(
          String.format(
              Locale.ROOT,
              "--step %s gives %,d cutoffs from %s to %s, at most %,d are allowed: give --step %s"
                  + " or longer, or a shorter range (--from, --to)",
              Cutoffs.format(s),
              count,
              start,
              end,
              MAX_CUTOFFS,
              Cutoffs.format(shortestStepFor(range))),
          2);
    }
    return new Choice(start, end, s, count, why);
  }

  /**
   * The default step for a cutoff range: the longest of {@link #STEPS} with at least {@link
   * #MIN_INTERVALS} intervals over {@code range}; the shortest for a range under 8 minutes.
   */
  static Duration stepFor(Duration range) {
    Duration best = STEPS.get(0);
    for (Duration s : STEPS) {
      if (s.multipliedBy(MIN_INTERVALS).compareTo(range) <= 0) {
        best = s;
      }
    }
    return best;
  }

  /** The shortest of {@link #STEPS} (or whole days beyond) that keeps {@code range} in bounds. */
  private static Duration shortestStepFor(Duration range) {
    for (Duration s : STEPS) {
      if (range.dividedBy(s) + 1 <= MAX_CUTOFFS) {
        return s;
      }
    }
    return Duration.ofDays(range.toDays() / (MAX_CUTOFFS - 1) + 1);
  }

  /**
   * {@code t} rounded down to a whole multiple of {@code step} since the epoch when the step
   * divides a day (10m: :00, :10, …; 1d: midnight UTC), else to the whole day, hour or minute.
   */
  static Instant alignDown(Instant t, Duration step) {
    long s = step.getSeconds();
    long unit;
    if (s > 0 && 86_400 % s == 0) {
      unit = s;
    } else if (s % 86_400 == 0) {
      unit = 86_400;
    } else if (s % 3_600 == 0) {
      unit = 3_600;
    } else if (s % 60 == 0) {
      unit = 60;
    } else {
      unit = 1;
    }
    return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), unit) * unit);
  }

  private static boolean tooShort(Duration dense, Duration reach) {
    return dense.toMillis() < MIN_SPAN_PER_REACH * reach.toMillis();
  }

  private static String tooShortMessage(
      Target target, Duration horizon, Duration reach, Duration dense, String denseText) {
    Duration needed = Duration.ofMillis((long) (MIN_SPAN_PER_REACH * reach.toMillis()));
    StringBuilder m =
        new StringBuilder("the events are too short in time for default cutoffs: ")
            .append(denseText)
            .append(", and ")
            .append(target.name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .append(" needs ")
            .append(Cutoffs.format(needed))
            .append(" of them (")
            .append(MIN_SPAN_PER_REACH)
            .append(" x ")
            .append(reachPhrase(target, reach))
            .append(": history before the first cutoff, the label window after the last); ");
    Optional<Duration> shorter = Optional.empty();
    if (target.usesHorizon()) {
      Duration fits = roundDown(Duration.ofMillis((long) (dense.toMillis() / MIN_SPAN_PER_REACH)));
      if (fits.compareTo(target.minimumHorizon()) >= 0 && fits.compareTo(horizon) < 0) {
        shorter = Optional.of(fits);
      }
    }
    shorter.ifPresent(
        h -> m.append("give --horizon ").append(Cutoffs.format(h)).append(" or less, "));
    return m.append("import a longer log, or place the cutoffs with --from and --to").toString();
  }

  /** "the 2d horizon", or "the 30m session gap" for session conversion. */
  private static String reachPhrase(Target target, Duration reach) {
    return "the " + Cutoffs.format(reach) + (target.usesHorizon() ? " horizon" : " session gap");
  }

  /** Whole days from a day up, whole hours from an hour, else whole minutes. */
  private static Duration roundDown(Duration d) {
    if (d.toDays() >= 1) {
      return Duration.ofDays(d.toDays());
    }
    if (d.toHours() >= 1) {
      return Duration.ofHours(d.toHours());
    }
    return Duration.ofMinutes(d.toMinutes());
  }

  /** A span for reading, to the minute: {@code 8d19h}, {@code 2h47m}, {@code 40m}, {@code 30s}. */
  static String span(Duration d) {
    if (d.toDays() >= 1) {
      return d.toDays() + "d" + (d.toHoursPart() > 0 ? d.toHoursPart() + "h" : "");
    }
    if (d.toHours() >= 1) {
      return d.toHours() + "h" + (d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" : "");
    }
    return d.toMinutes() >= 1 ? d.toMinutes() + "m" : d.toSeconds() + "s";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
