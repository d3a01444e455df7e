package io.propensity.engine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.testing.RandomCases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DayHistoryTest {

  @Test
  void aDayIsTheUtcDayContainingTheInstantBeforeNineteenSeventyToo() {
    assertThat(DayHistory.dayOf(0)).isZero();
    assertThat(DayHistory.dayOf(86_399_999)).isZero();
    assertThat(DayHistory.dayOf(86_400_000)).isEqualTo(1);
    assertThat(DayHistory.dayOf(-1)).isEqualTo(-1);
    assertThat(DayHistory.dayOf(Instant.parse("2024-03-04T23:59:59.999Z").toEpochMilli()))
        .isEqualTo(19_786);
  }

  @Test
  void daysAddedInAnyOrderAndAnyNumberOfTimesGiveTheSameSet() {
    RandomCases.run(
        300,
        random -> {
          List<Long> days = new ArrayList<>();
          int n = random.nextInt(40);
          for (int i = 0; i < n; i++) {
            days.add(19_000 + random.nextLong(-500, 900));
          }
          TreeSet<Long> expected = new TreeSet<>(days);
          List<Long> shuffled = new ArrayList<>(days);
          shuffled.addAll(days.subList(0, n / 2)); // some twice
          RandomCases.shuffle(shuffled, random);
          DayHistory h = new DayHistory();
          shuffled.forEach(h::add);

          assertThat(h.isEmpty()).isEqualTo(expected.isEmpty());
          assertThat(h.count()).isEqualTo(expected.size());
          if (!expected.isEmpty()) {
            assertThat(h.first()).isEqualTo(expected.first());
            assertThat(h.last()).isEqualTo(expected.last());
          }
          long from = 19_000 + random.nextLong(-600, 1000);
          long to = from + random.nextLong(-2, 400);
          assertThat(h.count(from, to))
              .as("days in %d..%d", from, to)
              .isEqualTo(from > to ? 0 : expected.subSet(from, true, to, true).size());
          long today = 19_000 + random.nextLong(900, 1200);
          double sum = 0;
          double pow = 0;
          for (long d : expected) { // ascending
            sum += Decay.DAYS_7.weight(today - d);
            pow += Math.pow(0.5, (today - d) / 7.0);
          }
          assertThat(h.decayedSum(today, Decay.DAYS_7))
              .isEqualTo(sum)
              .isCloseTo(pow, within(1e-12));
        });
  }

  @Test
  void countsAtTheEdgesOfAWindow() {
    DayHistory h = new DayHistory();
    for (long d : new long[] {63, 64, 127, 128, 200}) {
      h.add(d);
    }
    assertThat(h.count(64, 127)).isEqualTo(2);
    assertThat(h.count(63, 63)).isEqualTo(1);
    assertThat(h.count(65, 126)).isZero();
    assertThat(h.count(-1000, 1000)).isEqualTo(5);
    assertThat(h.count(201, 1000)).isZero();
    assertThat(h.count(0, 62)).isZero();
  }

  @Test
  void decayedSumsWeighTodayOneAndAHalfLifeAgoOneHalf() {
    DayHistory h = new DayHistory();
    h.add(100);
    h.add(70);
    assertThat(h.decayedSum(100, Decay.DAYS_30)).isCloseTo(1.5, within(1e-15));
    assertThat(h.decayedSum(107, Decay.DAYS_7))
        .isCloseTo(0.5 + Math.pow(0.5, 37 / 7.0), within(1e-15));
    // looked up below 4096 days, computed with the same expression beyond
    assertThat(Decay.DAYS_7.weight(4095)).isEqualTo(StrictMath.exp(-Decay.LN2 * (4095 / 7.0)));
    assertThat(Decay.DAYS_7.weight(4096)).isEqualTo(StrictMath.exp(-Decay.LN2 * (4096 / 7.0)));
    assertThat(Decay.weight(36 * 3_600_000L, 86_400_000L))
        .isCloseTo(Math.pow(0.5, 1.5), within(1e-15));
  }

  @Test
  void memoryIsAboutOneBitPerDayOfSpan() {
    DayHistory h = new DayHistory();
    assertThat(h.estimatedBytes()).isEqualTo(24);
    h.add(19_000);
    assertThat(h.estimatedBytes()).isEqualTo(24 + 24);
    h.add(19_000 + 365 * 3);
    // 3 years: 18 words of 64 days
    assertThat(h.estimatedBytes()).isEqualTo(24 + 16 + 18 * 8);
  }

  @Test
  void aSpanBeyondEightyNineYearsIsRefusedAndTheStateLeftUnchanged() {
    DayHistory h = new DayHistory();
    h.add(0);
    assertThatThrownBy(() -> h.add(DayHistory.MAX_WORDS * 64L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32768 days");
    h.add(DayHistory.MAX_WORDS * 64L - 1);
    assertThat(h.count()).isEqualTo(2);

    UserFeatureState state = new UserFeatureState();
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    state.apply(Event.builder("a", "u", t, EventType.PURCHASE).build());
    byte[] before = state.toBytes();
    Event farAway =
        Event.builder("b", "u", t.plusSeconds(86_400L * 40_000), EventType.PAGE_VIEW).build();
    assertThatThrownBy(() -> state.apply(farAway)).isInstanceOf(IllegalArgumentException.class);
    assertThat(state.toBytes()).isEqualTo(before);
    assertThatThrownBy(
            () ->
                BatchFeatureComputer.compute(
                    List.of(Event.builder("a", "u", t, EventType.PURCHASE).build(), farAway),
                    farAway.occurredAt()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
