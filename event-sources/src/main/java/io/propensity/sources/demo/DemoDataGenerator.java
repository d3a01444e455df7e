package io.propensity.sources.demo;

import io.propensity.engine.event.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A deterministic synthetic clickstream: shoppers with a hidden purchase intent that shapes their
 * visits, product views, dwell, revisits, carts and checkouts; some churn after fading engagement;
 * traffic follows a daily and weekly rhythm.
 *
 * <p>Each user is simulated alone from a random stream derived from the seed and the user's index,
 * so the same config always yields the same events, whatever the order or the threads users are
 * generated in, and memory holds one user's events at a time. Ids: users {@code u<index>}, events
 * {@code u<index>-e<n>}, sessions {@code u<index>-s<n>}, orders {@code u<index>-o<n>} (attribute
 * {@code order_id} of purchases).
 */
public final class DemoDataGenerator {

  /** The most users {@link #eventsSortedByTime()} accepts (about 1 GB of events at most). */
  public static final int MAX_USERS_SORTED = 20_000;

  private static final Comparator<Event> BY_TIME =
      Comparator.comparing(Event::occurredAt)
          .thenComparing(Event::userId)
          .thenComparing(Event::eventId);

  private final DemoConfig config;
  private final Catalogue catalogue;
  private final Rhythm rhythm;

  public DemoDataGenerator(DemoConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.catalogue =
        new Catalogue(Rand.mix(config.seed(), -1), config.catalogueSize(), config.categories());
    this.rhythm = new Rhythm(config.zone());
  }

  public DemoConfig config() {
    return config;
  }

  /** The user id of the user at {@code index}. */
  public static String userId(int index) {
    return "u" + index;
  }

  /** The hidden truth about one user (cheap: the events are not simulated). */
  public DemoUser user(int index) {
    return new UserSimulator(config, catalogue, rhythm, checkIndex(index)).user();
  }

  /** One user's events, in time order. */
  public List<Event> userEvents(int index) {
    return new UserSimulator(config, catalogue, rhythm, checkIndex(index)).run();
  }

  /** Every event, user by user (each user's in time order), generated lazily. */
  public Stream<Event> events() {
    return events(0, config.users());
  }

  /**
   * The events of users {@code from} (inclusive) to {@code to} (exclusive), user by user. Disjoint
   * ranges can be generated on different threads or machines and give the same events.
   */
  public Stream<Event> events(int from, int to) {
    if (from < 0 || to > config.users() || from > to) {
      throw new IndexOutOfBoundsException(
          "users [" + from + ", " + to + ") outside [0, " + config.users() + ")");
    }
    return IntStream.range(from, to).mapToObj(this::userEvents).flatMap(List::stream);
  }

  /** {@link #events()} as an iterator; holds one user's events at a time. */
  public Iterator<Event> iterator() {
    return events().iterator();
  }

  /**
   * Every event sorted by time (then user, then event id), in memory: for small demos and tests
   * only.
   *
   * @throws IllegalStateException when the config has more than {@link #MAX_USERS_SORTED} users;
   *     stream {@link #events()} instead
   */
  public List<Event> eventsSortedByTime() {
    if (config.users() > MAX_USERS_SORTED) {
      throw new IllegalStateException(
          config.users()
              + " users are too many to sort in memory (at"
              + " most "
              + MAX_USERS_SORTED
              + "); stream events() user by user instead");
    }
    List<Event> all = new ArrayList<>();
    events().forEach(all::add);
    all.sort(BY_TIME);
    return List.copyOf(all);
  }

  private int checkIndex(int index) {
    if (index < 0 || index >= config.users()) {
      throw new IndexOutOfBoundsException("user " + index + " outside [0, " + config.users() + ")");
    }
    return index;
  }
}
