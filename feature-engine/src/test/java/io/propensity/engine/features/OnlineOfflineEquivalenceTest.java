package io.propensity.engine.features;

import static io.propensity.engine.testing.RandomCases.chance;
import static io.propensity.engine.testing.RandomCases.oneOf;
import static io.propensity.engine.testing.RandomCases.shuffle;
import static io.propensity.engine.testing.RandomCases.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.testing.RandomCases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Online (incremental, any arrival order) and offline (batch) features are the same numbers, and
 * the batch path never reads the future.
 *
 * <p>Randomized over seeded cases (see {@link RandomCases}): histories are built so that gaps,
 * cutoffs and later queries land on the window edges and the session gap, exactly and one
 * millisecond either side.
 */
class OnlineOfflineEquivalenceTest {

  private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final long MAX_CUTOFF_OFFSET_MS = 62 * DAY;
  private static final int MAX_HISTORY = 70;

  /** Window edges and the session gap, exactly and one millisecond either side. */
  private static final long[] EDGES = {30 * MINUTE, DAY, 7 * DAY, 30 * DAY};

  private static final EventType[] TYPES = {
    EventType.PAGE_VIEW,
    EventType.PRODUCT_VIEW,
    EventType.SEARCH,
    EventType.ADD_TO_CART,
    EventType.REMOVE_FROM_CART,
    EventType.BEGIN_CHECKOUT,
    EventType.PURCHASE
  };
  private static final int[] TYPE_WEIGHTS = {5, 6, 2, 3, 1, 2, 2};

  @Test
  void shuffledOnlineStateEqualsBatchAtTheCutoff() {
    RandomCases.run(
        1000,
        random -> {
          List<Event> history = history(random);
          Instant cutoff = pickCutoff(history, random);
          List<Event> upToCutoff =
              new ArrayList<>(
                  history.stream().filter(e -> !e.occurredAt().isAfter(cutoff)).toList());
          shuffle(upToCutoff, random);
          UserFeatureState state = new UserFeatureState();
          upToCutoff.forEach(state::apply);

          assertSame(
              "online after "
                  + upToCutoff.size()
                  + " of "
                  + history.size()
                  + " events in shuffled order, at cutoff "
                  + cutoff,
              state.vectorAsOf(cutoff),
              BatchFeatureComputer.compute(history, cutoff));

          // Later queries without new events, then the rest of the history, shuffled too.
          Instant later = cutoff.plusMillis(laterOffsetMs(random));
          assertSame(
              "online queried later, at " + later + ", with no new events since cutoff " + cutoff,
              state.vectorAsOf(later),
              BatchFeatureComputer.compute(upToCutoff, later));
          List<Event> rest =
              new ArrayList<>(
                  history.stream().filter(e -> e.occurredAt().isAfter(cutoff)).toList());
          shuffle(rest, random);
          rest.forEach(state::apply);
          Instant end =
              state.watermark().orElse(cutoff).isAfter(cutoff)
                  ? state.watermark().orElseThrow()
                  : cutoff;
          assertSame(
              "online after all "
                  + history.size()
                  + " events (the "
                  + rest.size()
                  + " after cutoff "
                  + cutoff
                  + " arriving last, shuffled), at "
                  + end,
              state.vectorAsOf(end),
              BatchFeatureComputer.compute(history, end));
        });
  }

  @Test
  void duplicatesOfRetainedEventsChangeNothingWhateverTheOrder() {
    RandomCases.run(
        500,
        random -> {
          List<Event> history = history(random);
          if (history.isEmpty()) {
            return;
          }
          Instant end =
              history.stream().map(Event::occurredAt).max(Instant::compareTo).orElseThrow();
          // Retention works at millisecond precision, like the windows.
          long horizonMs = end.toEpochMilli() - UserFeatureState.RETENTION.toMillis();
          List<Event> withCopies = new ArrayList<>(history);
          history.stream()
              .filter(e -> e.occurredAt().toEpochMilli() > horizonMs && random.nextBoolean())
              .forEach(withCopies::add);
          shuffle(withCopies, random);
          // A copy may arrive before its original: only the later arrival of the pair is ignored.
          UserFeatureState state = new UserFeatureState();
          withCopies.forEach(state::apply);
          assertSame(
              "online after "
                  + history.size()
                  + " events plus "
                  + (withCopies.size() - history.size())
                  + " copies, shuffled, at "
                  + end,
              state.vectorAsOf(end),
              BatchFeatureComputer.compute(history, end));
        });
  }

  @Test
  void eventsAfterTheCutoffNeverChangeTheBatchVector() {
    RandomCases.run(
        1000,
        random -> {
          List<Event> history = history(random);
          List<Event> extra = history(random);
          long nanos =
              chance(random, 0.2)
                  ? oneOf(random, 0L, 1L, 999_999L, 1_000_000L)
                  : random.nextLong(1_000_001);
          Instant cutoff = BASE.plusMillis(cutoffOffsetMs(random)).plusNanos(nanos);
          List<Event> future = new ArrayList<>();
          for (int i = 0; i < extra.size(); i++) {
            Event e = extra.get(i);
            // Move each extra event strictly after the cutoff, as little as one nanosecond.
            Duration shift = Duration.between(BASE, e.occurredAt()).plusNanos(1);
            future.add(e.toBuilder().eventId("future-" + i).occurredAt(cutoff.plus(shift)).build());
          }
          List<Event> withFuture = new ArrayList<>(history);
          withFuture.addAll(future);
          shuffle(withFuture, random);
          assertSame(
              "batch at cutoff "
                  + cutoff
                  + " with "
                  + future.size()
                  + " later events mixed into "
                  + history.size(),
              BatchFeatureComputer.compute(withFuture, cutoff),
              BatchFeatureComputer.compute(history, cutoff));
        });
  }

  /** Uniform, or exactly at an event, or a window edge (+-1 ms) after an event. */
  private static Instant pickCutoff(List<Event> history, SplittableRandom random) {
    int mode = history.isEmpty() ? 0 : random.nextInt(3);
    if (mode == 0) {
      return BASE.plusMillis(cutoffOffsetMs(random)).plusNanos(random.nextInt(1_000_000));
    }
    Instant t = history.get(random.nextInt(history.size())).occurredAt();
    if (mode == 1) {
      return t;
    }
    return t.plusMillis(EDGES[random.nextInt(EDGES.length)] + random.nextInt(3) - 1);
  }

  /** 0 .. 62 days, now and then exactly one of the bounds. */
  private static long cutoffOffsetMs(SplittableRandom random) {
    return switch (weighted(random, 1, 1, 18)) {
      case 0 -> 0;
      case 1 -> MAX_CUTOFF_OFFSET_MS;
      default -> random.nextLong(MAX_CUTOFF_OFFSET_MS + 1);
    };
  }

  /** 0 .. 40 days after the cutoff: uniform, or on a window edge (+-1 ms), or not at all. */
  private static long laterOffsetMs(SplittableRandom random) {
    return switch (weighted(random, 1, 2, 7)) {
      case 0 -> 0;
      case 1 -> EDGES[random.nextInt(EDGES.length)] + random.nextInt(3) - 1;
      default -> random.nextLong(40 * DAY + 1);
    };
  }

  private static void assertSame(String context, FeatureVector actual, FeatureVector expected) {
    if (!Arrays.equals(actual.values(), expected.values())) {
      List<String> diffs = new ArrayList<>();
      for (int i = 0; i < expected.schema().size(); i++) {
        if (Double.compare(actual.value(i), expected.value(i)) != 0) {
          diffs.add(
              expected.schema().features().get(i).name()
                  + ": "
                  + actual.value(i)
                  + " != "
                  + expected.value(i));
        }
      }
      throw new AssertionError(context + ": vectors differ: " + diffs);
    }
    assertThat(actual.schemaHash()).as(context).isEqualTo(expected.schemaHash());
  }

  /**
   * One user's history of up to 70 events, in time order, spanning up to 60 days; sometimes empty,
   * a single event or the longest.
   */
  static List<Event> history(SplittableRandom random) {
    int size =
        switch (weighted(random, 1, 1, 2, 16)) {
          case 0 -> 0;
          case 1 -> 1;
          case 2 -> MAX_HISTORY;
          default -> random.nextInt(MAX_HISTORY + 1);
        };
    List<Event> out = new ArrayList<>(size);
    long t = 0;
    for (int i = 0; i < size; i++) {
      t = Math.min(t + gapMs(random), 60 * DAY); // spans of up to 60 days; ties when capped
      int subMillisNanos = chance(random, 0.2) ? 1 + random.nextInt(999_999) : 0;
      Event.Builder b =
          Event.builder(
                  "e" + i,
                  "u1",
                  BASE.plusMillis(t).plusNanos(subMillisNanos),
                  TYPES[weighted(random, TYPE_WEIGHTS)])
              .quantity(random.nextInt(4));
      if (chance(random, 0.4)) {
        b.sessionId(oneOf(random, "s1", "s2", "s3", "s4"));
      }
      if (chance(random, 0.3)) {
        b.dwell(Duration.ofMillis(between(random, -1_000, 2 * HOUR)));
      }
      if (chance(random, 0.5)) {
        b.price(random.nextInt(50_001) / 100.0);
      }
      if (chance(random, 0.8)) {
        b.itemId("item-" + (1 + random.nextInt(15)));
      }
      if (chance(random, 0.7)) {
        b.category(oneOf(random, "shoes", "bags", "hats", "tops", "toys"));
      }
      if (chance(random, 0.8)) {
        b.device(oneOf(random, "desktop", "mobile", "Tablet", "ios", "smart-tv"));
      }
      if (chance(random, 0.7)) {
        b.trafficSource(
            oneOf(
                random,
                "direct",
                "organic",
                "cpc",
                "email",
                "facebook",
                "affiliate",
                "carrier pigeon"));
      }
      out.add(b.build());
    }
    return out;
  }

  /** Time to the next event: often none or short, often right at a window edge (+-1 ms). */
  private static long gapMs(SplittableRandom random) {
    return switch (weighted(random, 2, 6, 8, 3, 3, 2, 3)) {
      case 0 -> 0;
      case 1 -> between(random, 1, MINUTE);
      case 2 -> between(random, MINUTE, 25 * MINUTE);
      case 3 -> between(random, 29 * MINUTE, 31 * MINUTE);
      case 4 -> between(random, HOUR, 2 * DAY);
      case 5 -> between(random, 2 * DAY, 15 * DAY);
      default -> EDGES[random.nextInt(EDGES.length)] + random.nextInt(3) - 1;
    };
  }

  /** Uniform in {@code min .. max}, both included. */
  private static long between(SplittableRandom random, long min, long max) {
    return random.nextLong(min, max + 1);
  }
}
