package io.propensity.dashboard.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import propensity.events.v1.Event;
import propensity.features.v1.UserActivity;

/**
 * What a live replay sends and when: the most recently active users, the newest events of each (a
 * fair share of the total), each user's slice starting at the replay's start with its real spacing
 * (gaps longer than a session break shortened to {@link #SESSION_BREAK}), all users interleaved on
 * that timeline and compressed so the replay lasts about {@code events / pace}.
 *
 * @param steps the events in sending order, each with its delay after the replay's start
 */
public record ReplayPlan(List<Step> steps) {
  /** Gaps between one user's events longer than this (a new session) are shortened to it. */
  static final Duration SESSION_BREAK = Duration.ofMinutes(30);

  public ReplayPlan {
    steps = List.copyOf(steps);
  }

  /** One stored event and when, after the replay's start, to send it again. */
  public record Step(Event event, long delayMillis) {}

  /** The {@code count} most recently active users: newest last event first (ties by user id). */
  static List<String> mostRecentlyActive(List<UserActivity> users, int count) {
    return users.stream()
        .sorted(
            Comparator.comparingLong((UserActivity u) -> u.getLastEventAt().getSeconds())
                .thenComparingInt(u -> u.getLastEventAt().getNanos())
                .reversed()
                .thenComparing(UserActivity::getUserId))
        .limit(count)
        .map(UserActivity::getUserId)
        .toList();
  }

  /**
   * Plans a replay of at most {@code total} events from the users' histories (each oldest first, in
   * the order the users should take precedence): every user gets an equal share of the newest of
   * their events (users with fewer events leave their share to the others), and the replay lasts
   * about {@code total / eventsPerSecond} seconds.
   */
  static ReplayPlan of(Map<String, List<Event>> histories, int total, double eventsPerSecond) {
    Map<String, Integer> share = shares(histories, total);
    record Timed(Event event, long offsetMillis, int userRank) {}
    List<Timed> timeline = new ArrayList<>();
    int rank = 0;
    for (var entry : histories.entrySet()) {
      List<Event> history = entry.getValue();
      int n = share.getOrDefault(entry.getKey(), 0);
      List<Event> slice = history.subList(history.size() - n, history.size());
      long offset = 0;
      for (int i = 0; i < slice.size(); i++) {
        if (i > 0) {
          long gap = millis(slice.get(i)) - millis(slice.get(i - 1));
          offset += Math.max(0, Math.min(gap, SESSION_BREAK.toMillis()));
        }
        timeline.add(new Timed(slice.get(i), offset, rank));
      }
      rank++;
    }
    // stable: a user's own events keep their order when offsets tie
    timeline.sort(Comparator.comparingLong(Timed::offsetMillis).thenComparingInt(Timed::userRank));
    long span = timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1).offsetMillis();
    long duration = (long) (Math.max(0, timeline.size() - 1) * 1000 / eventsPerSecond);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < timeline.size(); i++) {
      long delay =
          span == 0
              ? (long) (i * 1000 / eventsPerSecond)
              : Math.round((double) timeline.get(i).offsetMillis() * duration / span);
      steps.add(new Step(timeline.get(i).event(), delay));
    }
    return new ReplayPlan(steps);
  }

  /** Round-robin: one event per user per round until {@code total} or every history is used up. */
  private static Map<String, Integer> shares(Map<String, List<Event>> histories, int total) {
    Map<String, Integer> share = new LinkedHashMap<>();
    histories.keySet().forEach(u -> share.put(u, 0));
    int given = 0;
    boolean more = true;
    while (given < total && more) {
      more = false;
      for (var entry : histories.entrySet()) {
        int s = share.get(entry.getKey());
        if (given < total && s < entry.getValue().size()) {
          share.put(entry.getKey(), s + 1);
          given++;
          more = true;
        }
      }
    }
    return share;
  }

  private static long millis(Event e) {
    return e.getOccurredAt().getSeconds() * 1000 + e.getOccurredAt().getNanos() / 1_000_000;
  }

  /** Number of distinct users in the plan. */
  public int users() {
    return (int) steps.stream().map(s -> s.event().getUserId()).distinct().count();
  }
}
