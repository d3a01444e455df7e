package io.propensity.feature.store;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Durable storage of accepted events. {@link #append} returns only after the new events are
 * committed, so an acknowledgement built from its result survives a crash.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Stores the events whose id is not stored yet, in one transaction, and commits it durably. An
   * event repeating an id already stored, or an earlier event of the same call, is never stored
   * twice: it is a duplicate when it says the same as the stored one (as stored: times to the
   * millisecond), and a conflict, listed with the fields that differ, when it does not.
   */
  AppendResult append(List<Event> events);

  /** Every stored event of one user, ordered by occurrence time then event id. */
  List<Event> history(String userId);

  /** The stored events of one user that occurred at or after {@code from}, in time order. */
  List<Event> historySince(String userId, Instant from);

  /**
   * Calls {@code consumer} once per user that has events (in user id order), with that user's full
   * time-ordered history, holding only one user's history in memory at a time.
   */
  void forEachUser(Consumer<UserHistory> consumer);

  /**
   * Calls {@code consumer} for every event that occurred at or after {@code from}, by user then
   * time.
   */
  void forEachEventSince(Instant from, Consumer<Event> consumer);

  /**
   * The storage sequence of the newest stored event (0 when the store is empty): every stored event
   * has a sequence number, assigned when it is stored and increasing in storage order, so "stored
   * after mark m" is "sequence greater than m". Cheap (read from the primary key).
   */
  long highWaterMark();

  /**
   * Calls {@code consumer} for every event whose storage sequence is greater than {@code afterMark}
   * and at most {@code upToMark}, in storage order; returns how many there were.
   */
  long forEachStoredBetween(long afterMark, long upToMark, Consumer<Event> consumer);

  /**
   * Like {@link #forEachUser}, but only with the events whose storage sequence is at most {@code
   * upToMark}, so the result matches a {@link #highWaterMark} read before the scan.
   */
  void forEachUserUpTo(long upToMark, Consumer<UserHistory> consumer);

  /**
   * The number of stored events for metrics: estimated from the database's statistics where it
   * keeps them (PostgreSQL: instant), else counted over an index (SQLite: about a second per ten
   * million events, so call it off the start-up path).
   */
  long approximateEvents();

  /** Aggregate figures over everything stored. */
  StoreStatistics statistics();

  /**
   * The newest events by occurrence time, newest first (ties: the later ingested first); read from
   * the time index, so cheap on a large store.
   */
  List<Event> latest(int limit);

  /**
   * Ids of up to {@code limit} users, in id order, starting after {@code afterUserId} when given.
   */
  List<String> users(Optional<String> afterUserId, int limit);

  /**
   * Activity of up to {@code limit} users with events, in user id order, starting after {@code
   * afterUserId} when given, keeping only users whose newest event occurred at or after {@code
   * lastEventFrom} and at or before {@code lastEventTo} (each bound only when given).
   */
  List<UserActivity> userActivity(
      Optional<String> afterUserId,
      Optional<Instant> lastEventFrom,
      Optional<Instant> lastEventTo,
      int limit);

  /**
   * The newest {@code limit} events of one user that occurred at or after {@code since} (every
   * event when absent), in time order then event id, and whether older matching events exist.
   */
  RecentHistory newestHistory(String userId, Optional<Instant> since, int limit);

  @Override
  void close();

  /** What the store holds about one user: oldest and newest event time, and event count. */
  record UserActivity(String userId, Instant firstEventAt, Instant lastEventAt, long events) {}

  /**
   * The newest events of a user, oldest first.
   *
   * @param truncated older matching events are stored than the oldest returned
   */
  record RecentHistory(List<Event> events, boolean truncated) {
    public RecentHistory {
      events = List.copyOf(events);
    }
  }

  /**
   * Outcome of an {@link #append}: the events newly stored, in input order, the number of plain
   * duplicates, and the conflicts, in input order.
   */
  record AppendResult(List<Event> stored, int duplicates, List<Conflict> conflicts) {
    public AppendResult {
      stored = List.copyOf(stored);
      conflicts = List.copyOf(conflicts);
    }
  }

  /**
   * An event not stored because its id is already taken by an event with other content.
   *
   * @param position position of the event in the list given to {@link #append}
   * @param eventId the id both share
   * @param fields contract names of the fields that differ from the stored event (or from the
   *     earlier event of the same call)
   */
  record Conflict(int position, String eventId, List<String> fields) {
    public Conflict {
      fields = List.copyOf(fields);
    }
  }

  /** All events of one user, time-ordered. */
  record UserHistory(String userId, List<Event> events) {}

  /** Aggregate figures for the data overview and metrics. */
  record StoreStatistics(
      long events,
      long users,
      Optional<Instant> firstEventAt,
      Optional<Instant> lastEventAt,
      Map<EventType, Long> eventsByType,
      Map<java.time.LocalDate, Long> eventsByDay) {}
}
