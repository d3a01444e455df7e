package io.propensity.dashboard.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import propensity.events.v1.Event;
import propensity.features.v1.UserActivity;

class ReplayPlanTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private static Event event(String user, int n, Instant at) {
    return Event.newBuilder()
        .setEventId(user + "-" + n)
        .setUserId(user)
        .setOccurredAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
        .build();
  }

  /** {@code count} events of a user, {@code gap} apart, starting at {@code start}, oldest first. */
  private static List<Event> history(String user, int count, Instant start, Duration gap) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(event(user, i, start.plus(gap.multipliedBy(i))));
    }
    return out;
  }

  private static List<String> ids(ReplayPlan plan) {
    return plan.steps().stream().map(s -> s.event().getEventId()).toList();
  }

  @Test
  void eachUserGetsAnEqualShareOfTheirNewestEventsAndShortHistoriesLeaveTheRestToOthers() {
    Map<String, List<Event>> histories = new LinkedHashMap<>();
    histories.put("a", history("a", 10, T0, Duration.ofMinutes(1)));
    histories.put("b", history("b", 1, T0, Duration.ofMinutes(1)));
    histories.put("c", history("c", 10, T0, Duration.ofMinutes(1)));

    ReplayPlan plan = ReplayPlan.of(histories, 9, 4);

    assertThat(ids(plan))
        .hasSize(9)
        .filteredOn(id -> id.startsWith("a-"))
        .containsExactly("a-6", "a-7", "a-8", "a-9");
    assertThat(ids(plan)).filteredOn(id -> id.startsWith("b-")).containsExactly("b-0");
    assertThat(ids(plan))
        .filteredOn(id -> id.startsWith("c-"))
        .containsExactly("c-6", "c-7", "c-8", "c-9");
    assertThat(plan.users()).isEqualTo(3);
  }

  @Test
  void usersDaysApartAreInterleavedAsIfTheirSessionsStartedTogether() {
    Map<String, List<Event>> histories = new LinkedHashMap<>();
    histories.put("late", history("late", 3, T0.plus(Duration.ofDays(3)), Duration.ofMinutes(2)));
    histories.put("early", history("early", 3, T0, Duration.ofMinutes(3)));

    ReplayPlan plan = ReplayPlan.of(histories, 6, 4);

    // offsets: late 0, 2, 4 min; early 0, 3, 6 min; ties go to the more recently active user first
    assertThat(ids(plan))
        .containsExactly("late-0", "early-0", "late-1", "early-1", "late-2", "early-2");
  }

  @Test
  void relativeSpacingIsKeptCompressedToThePaceWithSessionBreaksShortened() {
    Map<String, List<Event>> histories = new LinkedHashMap<>();
    List<Event> a = new ArrayList<>(history("a", 3, T0, Duration.ofMinutes(1)));
    // a new session two days later counts as one session break (30 minutes)
    a.add(event("a", 3, T0.plus(Duration.ofDays(2))));
    histories.put("a", a);

    ReplayPlan plan = ReplayPlan.of(histories, 4, 2);

    // timeline 0, 1, 2, 32 minutes mapped onto (4 - 1) / 2 events per second = 1.5 s
    assertThat(plan.steps())
        .extracting(ReplayPlan.Step::delayMillis)
        .containsExactly(0L, 47L, 94L, 1500L);
  }

  @Test
  void eventsAtTheSameInstantAreSentAtTheSteadyPace() {
    Map<String, List<Event>> histories = new LinkedHashMap<>();
    histories.put("a", history("a", 3, T0, Duration.ZERO));

    ReplayPlan plan = ReplayPlan.of(histories, 3, 4);

    assertThat(plan.steps())
        .extracting(ReplayPlan.Step::delayMillis)
        .containsExactly(0L, 250L, 500L);
  }

  @Test
  void noHistoryPlansNothing() {
    assertThat(ReplayPlan.of(Map.of("a", List.of()), 10, 4).steps()).isEmpty();
  }

  @Test
  void mostRecentlyActiveUsersComeFirst() {
    List<UserActivity> users =
        List.of(
            activity("u1", T0),
            activity("u2", T0.plusSeconds(60)),
            activity("u3", T0.plusSeconds(60)),
            activity("u4", T0.minusSeconds(60)));

    assertThat(ReplayPlan.mostRecentlyActive(users, 3)).containsExactly("u2", "u3", "u1");
  }

  private static UserActivity activity(String user, Instant last) {
    return UserActivity.newBuilder()
        .setUserId(user)
        .setLastEventAt(Timestamp.newBuilder().setSeconds(last.getEpochSecond()))
        .setEventCount(1)
        .build();
  }
}
