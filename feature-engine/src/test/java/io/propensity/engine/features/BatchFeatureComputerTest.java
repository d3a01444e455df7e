package io.propensity.engine.features;

import static io.propensity.engine.event.EventType.ADD_TO_CART;
import static io.propensity.engine.event.EventType.BEGIN_CHECKOUT;
import static io.propensity.engine.event.EventType.PAGE_VIEW;
import static io.propensity.engine.event.EventType.PRODUCT_VIEW;
import static io.propensity.engine.event.EventType.PURCHASE;
import static io.propensity.engine.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propensity.engine.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

class BatchFeatureComputerTest {

  /** Monday 2024-03-04 10:20 UTC. */
  private static final Instant T = Instant.parse("2024-03-04T10:20:00Z");

  private static Event ev(
      String time,
      io.propensity.engine.event.EventType type,
      java.util.function.UnaryOperator<Event.Builder> more) {
    return more.apply(at(Instant.parse(time), type)).build();
  }

  /**
   * Friday morning: a converting visit on mobile from email. Sunday night: an abandoned cart on
   * desktop from ads. Monday morning, going on at T: a visit in the app with session id s9.
   */
  private static List<Event> history() {
    List<Event> h = new ArrayList<>();
    java.util.function.UnaryOperator<Event.Builder> friday =
        b -> b.device("mobile").trafficSource("email");
    h.add(ev("2024-03-01T10:00:00Z", PAGE_VIEW, friday));
    h.add(
        ev("2024-03-01T10:02:00Z", PRODUCT_VIEW, b -> friday.apply(b).itemId("i1").category("c1")));
    h.add(
        ev(
            "2024-03-01T10:05:00Z",
            PRODUCT_VIEW,
            b -> friday.apply(b).itemId("i2").category("c1").dwell(Duration.ofSeconds(60))));
    h.add(
        ev(
            "2024-03-01T10:06:00Z",
            ADD_TO_CART,
            b -> friday.apply(b).itemId("i2").price(20).quantity(2)));
    h.add(ev("2024-03-01T10:10:00Z", BEGIN_CHECKOUT, friday));
    h.add(
        ev(
            "2024-03-01T10:12:00Z",
            PURCHASE,
            b -> friday.apply(b).itemId("i2").price(20).quantity(2)));
    java.util.function.UnaryOperator<Event.Builder> sunday =
        b -> b.device("Desktop ").trafficSource("cpc");
    h.add(
        ev("2024-03-03T22:00:00Z", PRODUCT_VIEW, b -> sunday.apply(b).itemId("i3").category("c2")));
    h.add(ev("2024-03-03T22:03:00Z", ADD_TO_CART, b -> sunday.apply(b).itemId("i3").price(15)));
    java.util.function.UnaryOperator<Event.Builder> monday = b -> b.device("app").sessionId("s9");
    h.add(ev("2024-03-04T10:00:00Z", PAGE_VIEW, monday));
    h.add(
        ev("2024-03-04T10:04:00Z", PRODUCT_VIEW, b -> monday.apply(b).itemId("i1").category("c1")));
    h.add(ev("2024-03-04T10:15:00Z", ADD_TO_CART, b -> monday.apply(b).itemId("i1").price(10)));
    // After the cutoff: must not be seen.
    h.add(ev("2024-03-04T10:30:00Z", PURCHASE, b -> monday.apply(b).itemId("i1").price(10)));
    return h;
  }

  @Test
  void handComputedHistoryGivesTheDocumentedValues() {
    Map<String, Double> v = BatchFeatureComputer.compute(history(), T).asMap();
    double fiveMinutes = 5 / 60.0;
    Map<String, Double> expected =
        Map.ofEntries(
            Map.entry("hours_since_last_event", fiveMinutes),
            Map.entry("hours_since_last_purchase", 72 + 8 / 60.0),
            Map.entry("hours_since_last_cart_add", fiveMinutes),
            Map.entry("days_since_first_event", 3 + 20 / 1440.0),
            Map.entry("events_lifetime", 11.0),
            Map.entry("cart_adds_lifetime", 3.0),
            Map.entry("purchases_lifetime", 1.0),
            Map.entry("monetary_lifetime", 40.0),
            Map.entry("mean_order_value_lifetime", 40.0),
            Map.entry("purchases_per_product_view_lifetime", 0.25),
            Map.entry("events_1d", 5.0),
            Map.entry("events_7d", 11.0),
            Map.entry("sessions_1d", 2.0),
            Map.entry("sessions_30d", 3.0),
            Map.entry("active_days_7d", 2.0),
            Map.entry("revisit_rate_7d", 2 / 7.0),
            Map.entry("revisit_rate_30d", 2 / 30.0),
            Map.entry("mean_days_between_visits_30d", 3.0),
            Map.entry("events_per_session_30d", 11 / 3.0),
            Map.entry("mean_session_minutes_30d", 10.0),
            // product pages: 180 s (gap) + 60 s (given) + 180 s (gap) + 660 s (gap)
            Map.entry("product_dwell_seconds_30d", 1080.0),
            Map.entry("mean_product_dwell_seconds_30d", 270.0),
            // other pages: the two page views, 120 s and 240 s
            Map.entry("other_dwell_seconds_30d", 360.0),
            Map.entry("mean_other_dwell_seconds_30d", 180.0),
            Map.entry("morning_share_30d", 9 / 11.0),
            Map.entry("evening_share_30d", 2 / 11.0),
            Map.entry("night_share_30d", 0.0),
            Map.entry("weekend_share_30d", 2 / 11.0),
            Map.entry("product_views_1d", 2.0),
            Map.entry("product_views_30d", 4.0),
            Map.entry("cart_adds_1d", 2.0),
            Map.entry("cart_adds_30d", 3.0),
            Map.entry("checkouts_30d", 1.0),
            Map.entry("purchases_30d", 1.0),
            Map.entry("view_to_cart_rate_30d", 0.75),
            Map.entry("cart_to_checkout_rate_30d", 1 / 3.0),
            Map.entry("checkout_to_purchase_rate_30d", 1.0),
            Map.entry("session_conversion_rate_30d", 1 / 3.0),
            Map.entry("abandoned_cart_sessions_30d", 1.0),
            Map.entry("cart_abandonment_rate_30d", 0.5),
            Map.entry("open_cart_items_30d", 2.0),
            Map.entry("open_cart_value_30d", 25.0),
            Map.entry("monetary_7d", 40.0),
            Map.entry("mean_order_value_30d", 40.0),
            Map.entry("distinct_items_viewed_30d", 3.0),
            Map.entry("distinct_categories_viewed_30d", 2.0),
            Map.entry("mobile_share_30d", 9 / 11.0),
            Map.entry("dominant_device_30d", (double) DeviceClass.MOBILE.ordinal()),
            Map.entry("email_share_30d", 6 / 11.0),
            Map.entry("paid_share_30d", 2 / 11.0),
            Map.entry("dominant_source_30d", (double) TrafficChannel.EMAIL.ordinal()),
            Map.entry("session_active", 1.0),
            Map.entry("session_events", 3.0),
            Map.entry("session_minutes", 15.0),
            Map.entry("session_product_views", 1.0),
            Map.entry("session_cart_adds", 1.0),
            Map.entry("session_reached_checkout", 0.0));
    SoftAssertions soft = new SoftAssertions();
    expected.forEach(
        (name, value) -> soft.assertThat(v.get(name)).as(name).isCloseTo(value, within(1e-12)));
    soft.assertAll();
  }

  @Test
  void anEventExactlyAtTheCutoffCountsAndOneMillisecondLaterDoesNot() {
    List<Event> h =
        List.of(
            at(T, PURCHASE).price(5).build(),
            at(T.plusMillis(1), PURCHASE).price(7).build(),
            at(T.plusNanos(1), PURCHASE).build());
    FeatureVector v = BatchFeatureComputer.compute(h, T);
    assertThat(v.value("purchases_lifetime")).isEqualTo(1);
    assertThat(v.value("monetary_lifetime")).isEqualTo(5);
    assertThat(v.value("hours_since_last_purchase")).isZero();
  }

  @Test
  void eventsAfterTheCutoffAreIgnored() {
    List<Event> upToT = history().stream().filter(e -> !e.occurredAt().isAfter(T)).toList();
    assertThat(BatchFeatureComputer.compute(history(), T))
        .isEqualTo(BatchFeatureComputer.compute(upToT, T));
  }

  @Test
  void windowsAreOpenAtTheirFarEnd() {
    Instant sevenDaysBefore = T.minus(Duration.ofDays(7));
    FeatureVector v =
        BatchFeatureComputer.compute(
            List.of(
                at(sevenDaysBefore, PAGE_VIEW).build(),
                at(sevenDaysBefore.plusMillis(1), PAGE_VIEW).build()),
            T);
    assertThat(v.value("events_7d")).isEqualTo(1);
    assertThat(v.value("events_30d")).isEqualTo(2);
  }

  @Test
  void theLastEventOfASessionHasNoDwellAndDoesNotDiluteTheMean() {
    FeatureVector v =
        BatchFeatureComputer.compute(
            List.of(
                at(T.minusSeconds(3600), PRODUCT_VIEW).build(),
                at(T.minusSeconds(3600 - 120), PRODUCT_VIEW).build()),
            T);
    assertThat(v.value("product_dwell_seconds_30d")).isEqualTo(120);
    assertThat(v.value("mean_product_dwell_seconds_30d")).isEqualTo(120);
  }

  @Test
  void aSessionWhoseLastEventIsThirtyMinutesOldIsNoLongerCurrent() {
    List<Event> h = List.of(at(T.minus(Duration.ofMinutes(30)), ADD_TO_CART).build());
    FeatureVector ended = BatchFeatureComputer.compute(h, T);
    FeatureVector going = BatchFeatureComputer.compute(h, T.minusMillis(1));
    assertThat(ended.value("session_active")).isZero();
    assertThat(ended.value("session_events")).isZero();
    assertThat(ended.value("abandoned_cart_sessions_30d")).isEqualTo(1);
    assertThat(going.value("session_active")).isEqualTo(1);
    assertThat(going.value("abandoned_cart_sessions_30d")).isZero();
  }

  @Test
  void recencyIsCappedAtNinetyDays() {
    FeatureVector v =
        BatchFeatureComputer.compute(
            List.of(at(T.minus(Duration.ofDays(200)), PURCHASE).build()), T);
    assertThat(v.value("hours_since_last_purchase")).isEqualTo(2160);
    assertThat(v.value("days_since_first_event")).isEqualTo(200);
    assertThat(v.value("events_30d")).isZero();
  }

  @Test
  void aRemovalAndAPurchaseCloseOpenCartItems() {
    FeatureVector v =
        BatchFeatureComputer.compute(
            List.of(
                at(T.minusSeconds(900), ADD_TO_CART).itemId("a").price(3).build(),
                at(T.minusSeconds(800), PURCHASE).itemId("a").price(3).build(),
                at(T.minusSeconds(700), ADD_TO_CART).itemId("b").price(4).quantity(2).build(),
                at(T.minusSeconds(600), ADD_TO_CART).itemId("c").price(5).build(),
                at(T.minusSeconds(500), io.propensity.engine.event.EventType.REMOVE_FROM_CART)
                    .itemId("c")
                    .build()),
            T);
    assertThat(v.value("open_cart_items_30d")).isEqualTo(1);
    assertThat(v.value("open_cart_value_30d")).isEqualTo(8);
  }

  @Test
  void aUserWithoutHistoryGetsTheDocumentedColdStartVector() {
    FeatureVector cold = BatchFeatureComputer.coldStart();
    for (FeatureSpec f : cold.schema().features()) {
      double expected =
          switch (f.name()) {
            case "hours_since_last_event",
                "hours_since_last_purchase",
                "hours_since_last_cart_add" ->
                2160.0;
            case "mean_days_between_visits_30d" -> 30.0;
            default -> 0.0;
          };
      assertThat(cold.value(f.name())).as(f.name()).isEqualTo(expected);
    }
    assertThat(BatchFeatureComputer.compute(List.of(), T)).isEqualTo(cold);
    assertThat(BatchFeatureComputer.compute(List.of(at(T.plusSeconds(1), PURCHASE).build()), T))
        .isEqualTo(cold);
    assertThat(new UserFeatureState().vectorAsOf(T)).isEqualTo(cold);
  }

  @Test
  void everyValueIsFinite() {
    assertThat(java.util.Arrays.stream(BatchFeatureComputer.compute(history(), T).values()))
        .allMatch(Double::isFinite);
  }

  @Test
  void eventsOfAnotherUserAreRefused() {
    List<Event> h = List.of(at(T, PAGE_VIEW).build(), at(T, PAGE_VIEW).userId("u2").build());
    assertThatThrownBy(() -> BatchFeatureComputer.compute(h, T))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
