package io.propensity.sources.csv;

import static io.propensity.engine.testing.RandomCases.chance;
import static io.propensity.engine.testing.RandomCases.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.testing.RandomCases;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Any valid event, however awkward its text, comes back unchanged from {@link GenericCsvWriter}
 * through {@link GenericCsvImporter}. Randomized over seeded cases (see {@link RandomCases}).
 */
class GenericCsvRoundTripRandomizedTest {

  private static final int MAX_EVENTS = 8;

  /**
   * CSV's and the attribute codec's special characters that free text may hold (no line breaks or
   * tabs: the event contract refuses them); no surrogates (a UTF-8 file cannot hold a lone one).
   */
  private static final String TEXT_SPECIALS = ",;\"' =&%+/é€中ß";

  /** CSV's special characters and others an id may hold (no quotes, no white space). */
  private static final String ID_SPECIALS = ",;=%+/-_.:@#~!$*()[]{}|^?é中ß";

  private static final String VALUE_SPECIALS = " &=%,\"";
  private static final long EARLIEST_SECOND =
      Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();
  private static final long MAX_DWELL_NANOS = Duration.ofDays(1).toNanos();
  private static final double MAX_PRICE = 1e7;

  @Test
  void everyValidEventSurvivesWritingAndReadingBack() {
    RandomCases.run(
        1000,
        random -> {
          List<Event> events = events(random);
          StringWriter out = new StringWriter();
          try (GenericCsvWriter writer = new GenericCsvWriter(out)) {
            events.forEach(writer::write);
          }
          List<Event> back = new ArrayList<>();
          ImportReport report =
              new GenericCsvImporter(GenericCsvWriter.format(), CsvTestSupport.VALIDATOR)
                  .importAll(new StringReader(out.toString()), back::add);

          assertThat(report.errors()).as("import errors of\n%s", out).isEmpty();
          assertThat(back).as("events read back from\n%s", out).isEqualTo(events);
        });
  }

  /** 0 to 8 events; empty and full lists a little more often than the rest. */
  private static List<Event> events(SplittableRandom random) {
    int size =
        switch (weighted(random, 1, 1, 8)) {
          case 0 -> 0;
          case 1 -> MAX_EVENTS;
          default -> random.nextInt(MAX_EVENTS + 1);
        };
    List<Event> events = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      events.add(event(random));
    }
    return events;
  }

  private static Event event(SplittableRandom random) {
    Event.Builder b =
        Event.builder(
            text(random, 30, ID_SPECIALS),
            text(random, 30, ID_SPECIALS),
            time(random),
            EventType.values()[random.nextInt(EventType.values().length)]);
    b.sessionId(chance(random, 0.7) ? text(random, 20, ID_SPECIALS) : null);
    b.page(optionalText(random));
    b.itemId(chance(random, 0.7) ? text(random, 20, ID_SPECIALS) : null);
    b.category(optionalText(random));
    if (chance(random, 0.6)) {
      b.price(price(random));
    }
    b.quantity(
        switch (weighted(random, 1, 1, 8)) {
          case 0 -> 0;
          case 1 -> 1000;
          default -> random.nextInt(1001);
        });
    if (chance(random, 0.5)) {
      b.dwell(Duration.ofNanos(dwellNanos(random)));
    }
    b.device(optionalText(random));
    b.trafficSource(optionalText(random));
    b.attributes(attributes(random));
    return b.build();
  }

  /**
   * Any instant from 2000 to the validator's "now", to the nanosecond; whole seconds, millis and
   * micros (shorter ISO text) and the first and last second often.
   */
  private static Instant time(SplittableRandom random) {
    long second =
        switch (weighted(random, 1, 1, 8)) {
          case 0 -> EARLIEST_SECOND;
          case 1 -> CsvTestSupport.NOW.getEpochSecond();
          default -> random.nextLong(EARLIEST_SECOND, CsvTestSupport.NOW.getEpochSecond() + 1);
        };
    int nano =
        switch (weighted(random, 5, 3, 3, 1, 8)) {
          case 0 -> 0;
          case 1 -> random.nextInt(1000) * 1_000_000;
          case 2 -> random.nextInt(1_000_000) * 1000;
          case 3 -> 999_999_999;
          default -> random.nextInt(1_000_000_000);
        };
    return Instant.ofEpochSecond(second, nano);
  }

  /** 0 to 1e7: cents, any double, or a bound. */
  private static double price(SplittableRandom random) {
    return switch (weighted(random, 8, 8, 1, 1, 2)) {
      case 0 -> random.nextLong(1_000_000_001L) / 100.0;
      case 1 -> random.nextDouble(MAX_PRICE);
      case 2 -> 0.0;
      case 3 -> MAX_PRICE;
      default -> random.nextDouble(1e-3); // tiny, many digits after the point
    };
  }

  /** 0 to one day, to the nanosecond; whole millis and the bounds often. */
  private static long dwellNanos(SplittableRandom random) {
    return switch (weighted(random, 1, 1, 3, 5)) {
      case 0 -> 0;
      case 1 -> MAX_DWELL_NANOS;
      case 2 -> random.nextLong(MAX_DWELL_NANOS / 1_000_000 + 1) * 1_000_000;
      default -> random.nextLong(MAX_DWELL_NANOS + 1);
    };
  }

  /** Up to 4 attributes; keys like {@link #text}, values of 0 to 10 characters. */
  private static Map<String, String> attributes(SplittableRandom random) {
    int size = random.nextInt(5);
    Map<String, String> attributes = new HashMap<>();
    for (int i = 0; i < size; i++) {
      attributes.put(
          text(random, 10, TEXT_SPECIALS), chars(random, random.nextInt(11), VALUE_SPECIALS));
    }
    return attributes;
  }

  /** Present 70 % of the time. */
  private static String optionalText(SplittableRandom random) {
    return chance(random, 0.7) ? text(random, 20, TEXT_SPECIALS) : null;
  }

  /**
   * 1 to {@code maxLength} characters, half of them special; as trimmed cell text, so no white
   * space at either end.
   */
  private static String text(SplittableRandom random, int maxLength, String specials) {
    while (true) {
      int length =
          switch (weighted(random, 1, 1, 6)) {
            case 0 -> 1;
            case 1 -> maxLength;
            default -> 1 + random.nextInt(maxLength);
          };
      String s = chars(random, length, specials);
      if (s.equals(s.strip())) {
        return s;
      }
    }
  }

  /** {@code length} characters, each from 'a'-'z' or from {@code specials}, even odds. */
  private static String chars(SplittableRandom random, int length, String specials) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(
          random.nextBoolean()
              ? (char) ('a' + random.nextInt(26))
              : specials.charAt(random.nextInt(specials.length())));
    }
    return s.toString();
  }
}
