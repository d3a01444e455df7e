package io.propensity.inference.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.inference.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LiveUserStatesTest {
  final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

  int apply(LiveUserStates states, String user, int n) {
    return states.update(
        user,
        s -> {
          for (int i = 0; i < n; i++) {
            s.apply(
                Event.builder(
                        user + "-" + i, user, clock.instant().minusSeconds(i), EventType.PAGE_VIEW)
                    .build());
          }
          return s.retainedEvents();
        });
  }

  @Test
  void keepsAtMostMaxUsersDroppingTheLeastRecentlyUpdated() {
    LiveUserStates states =
        new LiveUserStates(new LiveUserStates.Settings(3, 1 << 30, Duration.ofHours(1)), clock);
    apply(states, "a", 1);
    apply(states, "b", 1);
    apply(states, "c", 1);
    apply(states, "a", 1);
    apply(states, "d", 1);

    assertThat(states.userIds()).containsExactly("c", "a", "d");
    assertThat(states.evictions()).isEqualTo(1);
  }

  @Test
  void dropsIdleUsersAndStaysWithinItsByteBudget() {
    LiveUserStates states =
        new LiveUserStates(new LiveUserStates.Settings(100, 4_000, Duration.ofMinutes(30)), clock);
    apply(states, "old", 1);
    clock.advance(Duration.ofMinutes(31));
    apply(states, "new", 1);
    assertThat(states.userIds()).containsExactly("new");

    for (int u = 0; u < 20; u++) {
      apply(states, "u" + u, 20);
    }
    assertThat(states.estimatedBytes()).isLessThanOrEqualTo(4_000);
    assertThat(states.userIds()).contains("u19");
  }

  @Test
  void aUsersStateAccumulatesAcrossUpdates() {
    LiveUserStates states =
        new LiveUserStates(new LiveUserStates.Settings(10, 1 << 30, Duration.ofHours(1)), clock);
    apply(states, "a", 2);
    int retained =
        states.update(
            "a",
            s -> {
              s.apply(Event.builder("a-x", "a", clock.instant(), EventType.ADD_TO_CART).build());
              return s.retainedEvents();
            });
    assertThat(retained).isEqualTo(3);
  }
}
