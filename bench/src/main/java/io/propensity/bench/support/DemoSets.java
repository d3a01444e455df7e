package io.propensity.bench.support;

import io.propensity.engine.event.Event;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The deterministic demo clickstream the benchmarks feed the engine and the service with, sized by
 * an event count rather than a user count.
 */
public final class DemoSets {
  /** Window end of the engine benchmarks: fixed, so every run sees the very same events. */
  public static final Instant FIXED_END = Instant.parse("2024-03-01T00:00:00Z");

  private static final int SAMPLE_USERS = 500;

  private DemoSets() {}

  /**
   * Window end of the service benchmarks: the start of today (UTC), so online features "as of now"
   * look at a history that ends a few hours ago, as in production. Same events all day long.
   */
  public static Instant recentEnd() {
    return Instant.now().truncatedTo(ChronoUnit.DAYS);
  }

  /** A generator with the demo defaults, ending at {@code end}. */
  public static DemoDataGenerator generator(int users, Instant end) {
    return new DemoDataGenerator(DemoConfig.defaults(users, end));
  }

  /**
   * How many demo users give about {@code targetEvents} events: the mean events per user of the
   * first 500 users (the defaults give about 35), scaled up.
   */
  public static int usersFor(long targetEvents, Instant end) {
    DemoDataGenerator sample = generator(SAMPLE_USERS, end);
    long events = 0;
    for (int i = 0; i < SAMPLE_USERS; i++) {
      events += sample.userEvents(i).size();
    }
    double perUser = (double) events / SAMPLE_USERS;
    return (int) Math.max(1, Math.ceil(targetEvents / perUser));
  }

  /**
   * Exactly the first {@code n} events, user by user (only the last user's history may be cut
   * short). Users are simulated lazily, so the generator is given twice the users it is likely to
   * need at no cost.
   */
  public static Iterator<Event> firstEvents(long n, Instant end) {
    DemoDataGenerator g = generator(2 * usersFor(n, end) + SAMPLE_USERS, end);
    return g.events().limit(n).iterator();
  }

  /**
   * The next {@code n} events of {@code events} (fewer if it runs out), in batches of {@code
   * batchSize}, in memory.
   */
  public static List<List<Event>> batchesInMemory(Iterator<Event> events, long n, int batchSize) {
    List<List<Event>> out = new ArrayList<>();
    List<Event> batch = new ArrayList<>(batchSize);
    for (long i = 0; i < n && events.hasNext(); i++) {
      batch.add(events.next());
      if (batch.size() == batchSize) {
        out.add(List.copyOf(batch));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      out.add(List.copyOf(batch));
    }
    return out;
  }

  /** {@code events} as they are, adding each one's user to {@code users} as it passes. */
  public static Iterator<Event> recordingUsers(Iterator<Event> events, Set<String> users) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return events.hasNext();
      }

      @Override
      public Event next() {
        Event e = events.next();
        users.add(e.userId());
        return e;
      }
    };
  }
}
