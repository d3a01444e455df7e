package io.propensity.inference.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.common.error.UnavailableException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.UserFeatureState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StateSeederTest {
  static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

  final List<HistorySeed.Origin> counted = new ArrayList<>();
  final AtomicInteger asked = new AtomicInteger();
  final AtomicBoolean down = new AtomicBoolean();
  final Clock[] clock = {Clock.fixed(T, ZoneOffset.UTC)};
  final Clock movingClock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return clock[0].instant();
        }
      };

  final UserHistorySource source =
      user -> {
        asked.incrementAndGet();
        if (down.get()) {
          throw new UnavailableException("down");
        }
        if (user.equals("abandoned")) {
          throw new UserHistorySource.AbandonedException("interrupted", null);
        }
        return switch (user) {
          case "long" -> new UserHistorySource.StoredHistory(events(user, 3), true);
          case "known" -> new UserHistorySource.StoredHistory(events(user, 5), false);
          default -> new UserHistorySource.StoredHistory(List.of(), false);
        };
      };

  final StateSeeder seeder =
      new StateSeeder(Optional.of(source), Duration.ofSeconds(1), movingClock, counted::add);

  static List<Event> events(String user, int n) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          Event.builder(user + i, user, T.minus(Duration.ofDays(20 - i)), EventType.PRODUCT_VIEW)
              .build());
    }
    return out;
  }

  @Test
  void aKnownUsersStateIsTheirStoredHistoryAndTheSeedSaysHowMuch() {
    UserFeatureState state = new UserFeatureState();
    HistorySeed seed = seeder.seed("known", state);

    assertThat(seed).isEqualTo(new HistorySeed(HistorySeed.Origin.STORED, 5));
    assertThat(state.vectorAsOf(T).values())
        .isEqualTo(BatchFeatureComputer.compute(events("known", 5), T).values());
    assertThat(seeder.seed("long", new UserFeatureState()))
        .isEqualTo(new HistorySeed(HistorySeed.Origin.TRUNCATED, 3));
    assertThat(seeder.seed("nobody", new UserFeatureState()))
        .isEqualTo(new HistorySeed(HistorySeed.Origin.NONE_STORED, 0));
    assertThat(counted)
        .containsExactly(
            HistorySeed.Origin.STORED,
            HistorySeed.Origin.TRUNCATED,
            HistorySeed.Origin.NONE_STORED);
  }

  @Test
  void afterAFailureTheSourceIsLeftAloneForThePauseThenAskedAgain() {
    down.set(true);
    UserFeatureState state = new UserFeatureState();
    assertThat(seeder.seed("known", state)).isEqualTo(HistorySeed.UNAVAILABLE);
    assertThat(state.watermark()).isEmpty();
    assertThat(seeder.seed("known", new UserFeatureState())).isEqualTo(HistorySeed.UNAVAILABLE);
    assertThat(asked).hasValue(1);

    down.set(false);
    clock[0] = Clock.fixed(T.plusMillis(999), ZoneOffset.UTC);
    assertThat(seeder.seed("known", new UserFeatureState())).isEqualTo(HistorySeed.UNAVAILABLE);
    clock[0] = Clock.fixed(T.plusSeconds(1), ZoneOffset.UTC);
    assertThat(seeder.seed("known", new UserFeatureState()).origin())
        .isEqualTo(HistorySeed.Origin.STORED);
    assertThat(asked).hasValue(2);
    assertThat(counted).filteredOn(o -> o == HistorySeed.Origin.UNAVAILABLE).hasSize(3);
  }

  @Test
  void withoutASourceEveryStateStartsEmpty() {
    assertThat(StateSeeder.none().seed("known", new UserFeatureState()))
        .isEqualTo(HistorySeed.UNAVAILABLE);
  }

  @Test
  void concurrentFirstEventsOfOneUserSeedItOnce() throws Exception {
    LiveUserStates states =
        new LiveUserStates(
            new LiveUserStates.Settings(100, 1 << 30, Duration.ofHours(1)), movingClock, seeder);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      threads.add(
          new Thread(
              () ->
                  states.update(
                      "known",
                      (s, seed) ->
                          s.apply(
                              Event.builder(
                                      "live" + n, "known", T.minusSeconds(n), EventType.PAGE_VIEW)
                                  .build()))));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertThat(asked).hasValue(1);
    assertThat(states.peek("known", UserFeatureState::retainedEvents)).contains(5 + 4);
  }

  @Test
  void aCallGivenUpOnThisSidePausesNothingAndLeavesTheStateUnseeded() {
    UserFeatureState state = new UserFeatureState();
    assertThat(
            org.assertj.core.api.Assertions.catchThrowableOfType(
                UnavailableException.class, () -> seeder.seed("abandoned", state)))
        .hasMessageContaining("stopped waiting for the stored history of user abandoned");
    assertThat(state.watermark()).isEmpty();

    assertThat(seeder.seed("known", new UserFeatureState()).origin())
        .as("the very next user is seeded: no pause")
        .isEqualTo(HistorySeed.Origin.STORED);
    assertThat(asked).hasValue(2);
  }
}
