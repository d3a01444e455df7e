package io.propensity.engine.features;

import static io.propensity.engine.event.EventType.ADD_TO_CART;
import static io.propensity.engine.event.EventType.PAGE_VIEW;
import static io.propensity.engine.event.EventType.PRODUCT_VIEW;
import static io.propensity.engine.event.EventType.PURCHASE;
import static io.propensity.engine.event.EventType.SEARCH;
import static io.propensity.engine.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserFeatureStateTest {

  private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");

  @Test
  void aDuplicateEventIdIsIgnored() {
    UserFeatureState state = new UserFeatureState();
    Event e = at(T, PURCHASE).price(10).build();
    assertThat(state.apply(e)).isTrue();
    FeatureVector once = state.vectorAsOf(T);
    assertThat(state.apply(e)).isFalse();
    assertThat(state.apply(e.toBuilder().price(99).build())).isFalse();
    assertThat(state.vectorAsOf(T)).isEqualTo(once);
    assertThat(once.value("purchases_lifetime")).isEqualTo(1);
  }

  @Test
  void aQueryBeforeTheLatestAppliedEventIsRefused() {
    UserFeatureState state = new UserFeatureState();
    state.apply(at(T, PAGE_VIEW).build());
    assertThat(state.watermark()).contains(T);
    assertThatThrownBy(() -> state.vectorAsOf(T.minusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(state.vectorAsOf(T)).isNotNull();
  }

  @Test
  void eventsOlderThanThirtyDaysBeforeTheWatermarkAreFoldedIntoLifetimeTotals() {
    UserFeatureState state = new UserFeatureState();
    List<Event> history = new ArrayList<>();
    history.add(at(T.minus(Duration.ofDays(45)), PURCHASE).price(12.5).build());
    history.add(at(T.minus(Duration.ofDays(40)), ADD_TO_CART).build());
    history.add(at(T.minus(Duration.ofDays(2)), PAGE_VIEW).build());
    history.forEach(state::apply);
    assertThat(state.retainedEvents()).isEqualTo(1);
    assertThat(state.vectorAsOf(T)).isEqualTo(BatchFeatureComputer.compute(history, T));
  }

  @Test
  void aLateEventOlderThanTheRetentionOnlyUpdatesLifetimeTotals() {
    UserFeatureState state = new UserFeatureState();
    Event recent = at(T, PAGE_VIEW).build();
    Event old = at(T.minus(Duration.ofDays(31)), PURCHASE).price(8).build();
    state.apply(recent);
    state.apply(old);
    FeatureVector v = state.vectorAsOf(T);
    assertThat(state.retainedEvents()).isEqualTo(1);
    assertThat(v.value("purchases_lifetime")).isEqualTo(1);
    assertThat(v.value("monetary_lifetime")).isEqualTo(8);
    assertThat(v.value("purchases_30d")).isZero();
    assertThat(v.value("hours_since_last_purchase")).isEqualTo(31 * 24);
    assertThat(v).isEqualTo(BatchFeatureComputer.compute(List.of(recent, old), T));
  }

  @Test
  void aStateCanBeQueriedLaterThanItsLatestEvent() {
    UserFeatureState state = new UserFeatureState();
    List<Event> history =
        List.of(
            at(T, PRODUCT_VIEW).itemId("a").build(),
            at(T.plusSeconds(60), ADD_TO_CART).itemId("a").price(3).build());
    history.forEach(state::apply);
    for (Duration later :
        List.of(
            Duration.ZERO,
            Duration.ofMinutes(29),
            Duration.ofHours(30),
            Duration.ofDays(8),
            Duration.ofDays(45))) {
      Instant now = T.plusSeconds(60).plus(later);
      assertThat(state.vectorAsOf(now))
          .as(later.toString())
          .isEqualTo(BatchFeatureComputer.compute(history, now));
    }
  }

  @Test
  void aTypicalActiveUserTakesUnderTwoKibibytes() {
    long typical = bytesFor(35);
    System.out.printf(
        "UserFeatureState estimatedBytes: 20 events %d, 35 events %d, 50 events %d,"
            + " 200 events %d%n",
        bytesFor(20), typical, bytesFor(50), bytesFor(200));
    assertThat(typical).isLessThan(2048);
    assertThat(bytesFor(50)).isLessThan(2048);
  }

  @Test
  void memoryStaysBoundedForALongHistory() {
    // Three events a day for a year: only the last 30 days are kept in detail.
    UserFeatureState state = new UserFeatureState();
    for (int day = 0; day < 365; day++) {
      for (int k = 0; k < 3; k++) {
        state.apply(at(T.plus(Duration.ofDays(day)).plusSeconds(k * 60L), PAGE_VIEW).build());
      }
    }
    assertThat(state.retainedEvents()).isEqualTo(90);
    // 32 bytes per retained event plus spare capacity and fixed overhead, whatever the history.
    assertThat(state.estimatedBytes()).isLessThan(90 * 32 * 5 / 4 + 512);
    assertThat(state.vectorAsOf(T.plus(Duration.ofDays(365))).value("events_lifetime"))
        .isEqualTo(365 * 3);
  }

  @Test
  void theDayHistoryTakesAboutOneBitPerDayOfTenure() {
    long oneYear = bytesForYears(1);
    long threeYears = bytesForYears(3);
    System.out.printf(
        "UserFeatureState estimatedBytes, a visit a day and an order a week: 1 year %d, 3 years"
            + " %d%n",
        oneYear, threeYears);
    // two day histories (events, purchases) of one bit per day each, in 64-day words
    long twoMoreYearsOfBits = 2 * (2 * 365 / 64 + 1) * 8L;
    assertThat(threeYears - oneYear).isBetween(twoMoreYearsOfBits - 32, twoMoreYearsOfBits + 32);
  }

  /** A visit (two product views) every day for {@code years}, a purchase every seventh day. */
  private static long bytesForYears(int years) {
    UserFeatureState state = new UserFeatureState();
    for (int day = 0; day < 365 * years; day++) {
      Instant t = T.plus(Duration.ofDays(day));
      state.apply(at(t, PRODUCT_VIEW).itemId("a").build());
      state.apply(
          at(t.plusSeconds(60), day % 7 == 0 ? PURCHASE : PRODUCT_VIEW).itemId("b").build());
    }
    assertThat(state.retainedEvents()).isEqualTo(60);
    return state.estimatedBytes();
  }

  /** A user with {@code n} events spread over 30 days in sessions of five, items and prices set. */
  private static long bytesFor(int n) {
    UserFeatureState state = new UserFeatureState();
    EventType[] funnel = {PAGE_VIEW, SEARCH, PRODUCT_VIEW, PRODUCT_VIEW, ADD_TO_CART};
    for (int i = 0; i < n; i++) {
      int session = i / 5;
      Instant t =
          T.minus(Duration.ofDays(29))
              .plus(Duration.ofHours(session * 17L))
              .plusSeconds(40L * (i % 5));
      state.apply(
          at(t, funnel[i % 5])
              .sessionId("s" + session)
              .itemId("item-" + (i % 7))
              .category("cat-" + (i % 3))
              .price(9.99)
              .device("mobile")
              .trafficSource("search")
              .build());
    }
    return state.estimatedBytes();
  }
}
