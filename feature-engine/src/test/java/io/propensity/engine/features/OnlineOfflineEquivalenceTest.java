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
 * <p>Randomized over seeded cases (see {@link RandomCases}): histories are short clickstreams or
 * logs spanning more than a year (often orders only, often without prices, items and categories
 * coming back), built so that gaps, cutoffs and later queries land on the window edges, the session
 * gap and UTC midnight (for the day-history windows), exactly and one millisecond either side.
 */
class OnlineOfflineEquivalenceTest {

  private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final int MAX_HISTORY = 70;
  private static final long MAX_SPAN = 60 * DAY;
  private static final int MAX_LONG_HISTORY = 160;
  private static final long MAX_LONG_SPAN = 800 * DAY;

  /** Window edges and the session gap, exactly and one millisecond either side. */
  private static final long[] EDGES = {30 * MINUTE, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY};

  /** Whole days after an event's UTC day where a day-history window begins or ends. */
  private static final long[] DAY_EDGES = {0, 1, 7, 29, 30, 89, 90, 364, 365};

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
          Instant cutoff = BASE.plusMillis(cutoffOffsetMs(history, random)).plusNanos(nanos);
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

  /**
   * Uniform over the history's span, or exactly at an event, or a window edge (+-1 ms) after an
   * event, or UTC midnight (+-1 ms) a whole number of days after an event's day.
   */
  private static Instant pickCutoff(List<Event> history, SplittableRandom random) {
    int mode = history.isEmpty() ? 0 : random.nextInt(4);
    if (mode == 0) {
      return BASE.plusMillis(cutoffOffsetMs(history, random)).plusNanos(random.nextInt(1_000_000));
    }
    Instant t = history.get(random.nextInt(history.size())).occurredAt();
    if (mode == 1) {
      return t;
    }
    if (mode == 2) {
      return t.plusMillis(EDGES[random.nextInt(EDGES.length)] + random.nextInt(3) - 1);
    }
    long midnight = Math.floorDiv(t.toEpochMilli(), DAY) * DAY;
    long days = DAY_EDGES[random.nextInt(DAY_EDGES.length)] + (chance(random, 0.5) ? 1 : 0);
    return Instant.ofEpochMilli(midnight + days * DAY + random.nextInt(3) - 1);
  }

  /** 0 .. 2 days past the history's span (at least 62 days), now and then exactly a bound. */
  private static long cutoffOffsetMs(List<Event> history, SplittableRandom random) {
    long span =
        history.isEmpty()
            ? 0
            : Duration.between(BASE, history.get(history.size() - 1).occurredAt()).toMillis();
    long max = Math.max(62 * DAY, span + 2 * DAY);
    return switch (weighted(random, 1, 1, 18)) {
      case 0 -> 0;
      case 1 -> max;
      default -> random.nextLong(max + 1);
    };
  }

  /**
   * 0 .. 40 days after the cutoff (now and then up to 400): uniform, or on a window edge (+-1 ms),
   * or not at all.
   */
  private static long laterOffsetMs(SplittableRandom random) {
    return switch (weighted(random, 1, 2, 6, 1)) {
      case 0 -> 0;
      case 1 -> EDGES[random.nextInt(EDGES.length)] + random.nextInt(3) - 1;
      case 2 -> random.nextLong(40 * DAY + 1);
      default -> random.nextLong(400 * DAY + 1);
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
   * One user's history, in time order: a clickstream of up to 70 events spanning up to 60 days, or
   * (two cases in five) a log of up to 160 events spanning up to 800 days, often orders only (many
   * purchase days). Sometimes empty, a single event or the longest; a fifth of the histories carry
   * no price at all, and half draw their items from a pool of four, so that items come back.
   */
  static List<Event> history(SplittableRandom random) {
    boolean longLog = chance(random, 0.4);
    int max = longLog ? MAX_LONG_HISTORY : MAX_HISTORY;
    int size =
        switch (weighted(random, 1, 1, 2, 16)) {
          case 0 -> 0;
          case 1 -> 1;
          case 2 -> max;
          default -> random.nextInt(max + 1);
        };
    boolean ordersOnly = longLog && chance(random, 0.4);
    double priceChance = chance(random, 0.2) ? 0 : 0.5;
    int items = chance(random, 0.5) ? 4 : 15;
    List<Event> out = new ArrayList<>(size);
    long t = 0;
    for (int i = 0; i < size; i++) {
      // capped spans; ties when capped
      t =
          longLog
              ? Math.min(t + longGapMs(random), MAX_LONG_SPAN)
              : Math.min(t + gapMs(random), MAX_SPAN);
      int subMillisNanos = chance(random, 0.2) ? 1 + random.nextInt(999_999) : 0;
      EventType type =
          ordersOnly && chance(random, 0.9)
              ? EventType.PURCHASE
              : TYPES[weighted(random, TYPE_WEIGHTS)];
      Event.Builder b =
          Event.builder("e" + i, "u1", BASE.plusMillis(t).plusNanos(subMillisNanos), type)
              .quantity(random.nextInt(4));
      if (chance(random, 0.4)) {
        b.sessionId(oneOf(random, "s1", "s2", "s3", "s4"));
      }
      if (chance(random, 0.3)) {
        b.dwell(Duration.ofMillis(between(random, -1_000, 2 * HOUR)));
      }
      if (chance(random, priceChance)) {
        b.price(random.nextInt(50_001) / 100.0);
      }
      if (chance(random, 0.8)) {
        b.itemId("item-" + (1 + random.nextInt(items)));
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

  /**
   * Time to the next event of a long log: as in a clickstream, or days to months apart, or right at
   * a day-history window edge (+-1 ms).
   */
  private static long longGapMs(SplittableRandom random) {
    return switch (weighted(random, 8, 6, 2, 1)) {
      case 0 -> gapMs(random);
      case 1 -> between(random, HOUR, 20 * DAY);
      case 2 -> between(random, 20 * DAY, 120 * DAY);
      default -> oneOf(random, 89 * DAY, 90 * DAY, 364 * DAY, 365 * DAY) + random.nextInt(3) - 1;
    };
  }

  /** Uniform in {@code min .. max}, both included. */
  private static long between(SplittableRandom random, long min, long max) {
    return random.nextLong(min, max + 1);
  }
}
