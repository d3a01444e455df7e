package io.propensity.engine.session;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventOrder;
import io.propensity.engine.event.EventValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Splits one user's events into sessions and gives every event its dwell time.
 *
 * <p>Rules (events read in {@link EventOrder#CANONICAL} order):
 *
 * <ul>
 *   <li>An event with a session id belongs to the session of that id, whatever the time gaps.
 *   <li>An event without one continues the session of the event just before it when the gap to it
 *       is shorter than {@link #INACTIVITY_GAP}; a gap of exactly the inactivity gap or more starts
 *       a new (inferred) session. Trackers that drop the id on some events (a server-side purchase,
 *       say) thus keep those events in the session they happened in.
 *   <li>Dwell of an event: the tracker's dwell when given (negative counts as absent, longer than
 *       {@link EventValidator#MAX_DWELL} is cut to it, millisecond precision); otherwise the gap to
 *       the next event of the same session, capped at {@link #DWELL_CAP}; the last event of a
 *       session without a given dwell has none (absent, not zero).
 * </ul>
 *
 * <p>Assignment is causal: an event's session depends only on earlier events, so sessionizing a
 * prefix of a history gives the prefix of its sessions. Dwell, by contrast, looks at the next
 * event, which is why feature computation sessionizes only the events up to the cutoff.
 */
public final class Sessionizer {

  /** Inactivity that ends an inferred session. */
  public static final Duration INACTIVITY_GAP = Duration.ofMinutes(30);

  /** Longest dwell derived from the gap to the next event (tabs are left open). */
  public static final Duration DWELL_CAP = Duration.ofMinutes(30);

  private static final long GAP_MS = INACTIVITY_GAP.toMillis();
  private static final long CAP_MS = DWELL_CAP.toMillis();
  private static final long MAX_DWELL_MS = EventValidator.MAX_DWELL.toMillis();

  private Sessionizer() {}

  /**
   * The sessions of one user's events, ordered by their first event; the input order is irrelevant.
   */
  public static List<Session> sessionize(Collection<Event> eventsOfOneUser) {
    List<Event> sorted = new ArrayList<>(eventsOfOneUser);
    sorted.sort(EventOrder.CANONICAL);
    int n = sorted.size();
    long[] millis = new long[n];
    int[] keys = new int[n];
    int[] given = new int[n];
    Map<String, Integer> denseKeys = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Event e = sorted.get(i);
      millis[i] = e.occurredAt().toEpochMilli();
      keys[i] =
          e.sessionId()
              .map(id -> denseKeys.computeIfAbsent(id, k -> denseKeys.size() + 1))
              .orElse(0);
      given[i] = givenDwellMillis(e.dwell());
    }
    int[] sessionOf = new int[n];
    int count = assignSessions(millis, keys, n, sessionOf);
    long[] dwell = new long[n];
    dwellMillis(millis, given, sessionOf, n, count, dwell);

    List<List<SessionEvent>> members = new ArrayList<>(count);
    List<Optional<String>> ids = new ArrayList<>(count);
    for (int s = 0; s < count; s++) {
      members.add(new ArrayList<>());
      ids.add(Optional.empty());
    }
    for (int i = 0; i < n; i++) {
      Event e = sorted.get(i);
      int s = sessionOf[i];
      members
          .get(s)
          .add(
              new SessionEvent(
                  e, dwell[i] < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(dwell[i]))));
      if (ids.get(s).isEmpty() && e.sessionId().isPresent()) {
        ids.set(s, e.sessionId());
      }
    }
    List<Session> out = new ArrayList<>(count);
    for (int s = 0; s < count; s++) {
      out.add(new Session(ids.get(s), members.get(s)));
    }
    return List.copyOf(out);
  }

  /**
   * The tracker's dwell in whole milliseconds as the engine uses it: -1 when absent or negative,
   * cut to {@link EventValidator#MAX_DWELL}.
   */
  public static int givenDwellMillis(Optional<Duration> dwell) {
    if (dwell.isEmpty() || dwell.get().isNegative()) {
      return -1;
    }
    Duration d = dwell.get();
    return (int) (d.compareTo(EventValidator.MAX_DWELL) > 0 ? MAX_DWELL_MS : d.toMillis());
  }

  /**
   * Core of the session rule over primitive columns already in canonical order, shared with feature
   * computation. {@code keys[i]} identifies the given session id of event {@code i} (any non-zero
   * value; equal values mean the same id) or is 0 when absent. Writes the session index of each
   * event (0, 1, ... in order of first event) to {@code sessionOut} and returns the number of
   * sessions.
   */
  public static int assignSessions(long[] millis, int[] keys, int n, int[] sessionOut) {
    Map<Integer, Integer> byKey = new HashMap<>();
    int count = 0;
    for (int i = 0; i < n; i++) {
      int key = keys[i];
      if (key != 0) {
        Integer s = byKey.get(key);
        if (s == null) {
          s = count++;
          byKey.put(key, s);
        }
        sessionOut[i] = s;
      } else if (i > 0 && millis[i] - millis[i - 1] < GAP_MS) {
        sessionOut[i] = sessionOut[i - 1];
      } else {
        sessionOut[i] = count++;
      }
    }
    return count;
  }

  /**
   * Core of the dwell rule over primitive columns in canonical order: {@code givenMillis[i]} is the
   * tracker's dwell or -1; writes each event's dwell in milliseconds, or -1 when it has none.
   */
  public static void dwellMillis(
      long[] millis, int[] givenMillis, int[] sessionOf, int n, int sessionCount, long[] dwellOut) {
    int[] next = new int[sessionCount];
    Arrays.fill(next, -1);
    for (int i = n - 1; i >= 0; i--) {
      int s = sessionOf[i];
      int j = next[s];
      if (givenMillis[i] >= 0) {
        dwellOut[i] = givenMillis[i];
      } else if (j >= 0) {
        dwellOut[i] = Math.min(millis[j] - millis[i], CAP_MS);
      } else {
        dwellOut[i] = -1;
      }
      next[s] = i;
    }
  }
}
