package io.propensity.engine.features;

import static io.propensity.engine.event.EventType.ADD_TO_CART;
import static io.propensity.engine.event.EventType.PAGE_VIEW;
import static io.propensity.engine.event.EventType.PRODUCT_VIEW;
import static io.propensity.engine.event.EventType.PURCHASE;
import static io.propensity.engine.event.EventType.REMOVE_FROM_CART;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed values of the features that purchase logs and plain clickstreams can feed:
 * day-level history beyond 30 days, trends, item and category repetition, carts without purchase,
 * price level, session intent, habits and the time of T, decayed counts.
 */
class RealLogFeaturesTest {

  /** A Wednesday, 14:30 UTC. */
  private static final Instant T = Instant.parse("2024-06-05T14:30:00Z");

  private static final double HOUR = 1 / 24.0;
  private static final double MINUTE = HOUR / 60;

  private static int ids;

  /** An event {@code daysBefore} UTC days before T's day, at {@code time} UTC. */
  private static Event ev(
      int daysBefore, String time, EventType type, UnaryOperator<Event.Builder> more) {
    Instant at = Instant.parse("2024-06-05T" + time + ":00Z").minus(Duration.ofDays(daysBefore));
    return more.apply(Event.builder("x" + (++ids), "u1", at, type)).build();
  }

  private static Event ev(int daysBefore, String time, EventType type) {
    return ev(daysBefore, time, type, b -> b);
  }

  /**
   * A year and a half of orders (as a purchase-only log holds them), then a clickstream over the
   * last 30 days; a current session going on at T.
   */
  static List<Event> history() {
    List<Event> h = new ArrayList<>();
    // Orders: purchase days -400, -200, -100 (twice, one without a price) and -20.
    h.add(ev(500, "12:00", PAGE_VIEW)); // Sunday 2023-01-22, the first event
    h.add(ev(400, "09:00", PURCHASE, b -> b.itemId("a").price(30)));
    h.add(ev(200, "12:00", PURCHASE, b -> b.itemId("b").price(20).quantity(2)));
    h.add(ev(100, "08:00", PURCHASE, b -> b.itemId("a").price(30)));
    h.add(ev(100, "20:00", PURCHASE, b -> b.itemId("c")));
    h.add(ev(60, "10:00", ADD_TO_CART, b -> b.itemId("z").price(15))); // before the 30-day window
    // The 30-day window: a Thursday afternoon order, then a Sunday morning and a Sunday evening.
    h.add(ev(20, "13:00", PURCHASE, b -> b.itemId("a").price(30)));
    h.add(ev(10, "09:00", PRODUCT_VIEW, b -> b.itemId("a").category("shoes").price(20)));
    h.add(ev(10, "09:05", PRODUCT_VIEW, b -> b.itemId("a").category("shoes").price(20)));
    h.add(ev(10, "09:10", PRODUCT_VIEW, b -> b.itemId("b").category("shoes").price(50)));
    h.add(ev(10, "09:20", ADD_TO_CART, b -> b.itemId("b").price(50)));
    h.add(ev(3, "18:00", PRODUCT_VIEW, b -> b.itemId("c").category("bags")));
    h.add(ev(3, "18:05", ADD_TO_CART, b -> b.itemId("c")));
    // The current session, Wednesday afternoon, its latest event 5 minutes before T.
    h.add(ev(0, "14:00", PRODUCT_VIEW, b -> b.itemId("a").category("shoes").price(20)));
    h.add(ev(0, "14:05", ADD_TO_CART, b -> b.itemId("a").price(20)));
    h.add(ev(0, "14:10", PRODUCT_VIEW, b -> b.itemId("d").price(5)));
    h.add(ev(0, "14:12", PRODUCT_VIEW, b -> b.price(10)));
    h.add(ev(0, "14:20", ADD_TO_CART, b -> b.itemId("d").price(5).quantity(2)));
    h.add(ev(0, "14:25", REMOVE_FROM_CART, b -> b.itemId("d")));
    h.add(ev(0, "14:40", PURCHASE, b -> b.itemId("a").price(20))); // after T: never read
    return h;
  }

  @Test
  void everyNewFeatureOfTheFixtureUserHasItsHandComputedValue() {
    Map<String, Double> expected = new LinkedHashMap<>();
    // A. Active UTC days -500, -400, -200, -100, -60, -20, -10, -3, 0; purchase days -400, -200,
    // -100, -20.
    expected.put("active_days_90d", 5.0); // -60, -20, -10, -3, 0
    expected.put("active_days_365d", 7.0); // and -200, -100
    expected.put("purchase_days_lifetime", 4.0);
    expected.put("purchase_days_90d", 1.0);
    expected.put("purchase_days_365d", 3.0);
    expected.put("days_since_first_purchase", 400 + 5.5 * HOUR); // from -400 09:00 to 0 14:30
    expected.put("mean_days_between_purchase_days", 380 / 3.0);
    expected.put("purchase_overdue_ratio", 20 / (380 / 3.0));
    expected.put("decayed_purchase_days", decayedDays(30, 400, 200, 100, 20));
    expected.put("decayed_active_days", decayedDays(7, 500, 400, 200, 100, 60, 20, 10, 3, 0));
    // B. 6 events in the last day, 8 in 7 days, 13 in 30; calendar days 4 in 30 and 5 in 90.
    expected.put("events_1d_vs_7d", 6 / (8 / 7.0));
    expected.put("events_7d_vs_30d", 8 / (13 * 7 / 30.0));
    expected.put("active_days_30d_vs_90d", 4 / (5 / 3.0));
    // C. Product views with an item: a a b c a d (4 distinct); with a category: 4 shoes, 1 bags.
    expected.put("repeat_item_view_share_30d", (6 - 4) / 6.0);
    expected.put("max_views_of_one_item_30d", 3.0);
    expected.put("top_category_view_share_30d", 4 / 5.0);
    expected.put("distinct_categories_viewed_7d", 2.0); // bags on Sunday, shoes today
    expected.put("distinct_items_carted_30d", 4.0); // b c a d
    expected.put("distinct_items_purchased_30d", 1.0); // a, the one order in the window
    // D. Open since the -20 order: b (-10 09:20), c, a; d was removed.
    expected.put("carted_since_last_purchase", 1.0);
    expected.put("hours_since_oldest_open_cart_add_30d", 10 * 24 + 5 + 10 / 60.0);
    // E. Priced views 20 20 50 20 5 10; priced cart adds 50 20 10; orders 30 40 30 0 30.
    expected.put("mean_price_viewed_30d", 125 / 6.0);
    expected.put("price_range_viewed_30d", 45.0);
    expected.put("mean_price_carted_30d", 80 / 3.0);
    expected.put("viewed_to_bought_price_ratio", (125 / 6.0) / (130 / 5.0));
    // F. The session from 14:00: views a, d and one without an item; adds at 14:05 and 14:20.
    expected.put("session_minutes_to_first_cart_add", 5.0);
    expected.put("session_distinct_items_viewed", 2.0);
    expected.put("session_view_to_cart_rate", 2 / 3.0);
    // G. Of the 13 events of the window, 6 on a Wednesday, 7 in the afternoon.
    expected.put("same_weekday_share_30d", 6 / 13.0);
    expected.put("same_part_of_day_share_30d", 7 / 13.0);
    expected.put("hour_of_day", 14.5);
    expected.put("day_of_week", 3.0);
    // H. Ages of the window's events, in days.
    double[] ages = {
      20 + 1.5 * HOUR,
      10 + 5.5 * HOUR,
      10 + 5.5 * HOUR - 5 * MINUTE,
      10 + 5.5 * HOUR - 10 * MINUTE,
      10 + 5.5 * HOUR - 20 * MINUTE,
      3 - 3.5 * HOUR,
      3 - 3.5 * HOUR - 5 * MINUTE,
      30 * MINUTE,
      25 * MINUTE,
      20 * MINUTE,
      18 * MINUTE,
      10 * MINUTE,
      5 * MINUTE
    };
    expected.put("decayed_events_1d", decayed(1, ages, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    expected.put("decayed_events_7d", decayed(7, ages, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    expected.put("decayed_product_views_7d", decayed(7, ages, 1, 2, 3, 5, 7, 9, 10));
    expected.put("decayed_cart_adds_7d", decayed(7, ages, 4, 6, 8, 11));

    List<FeatureSpec> added =
        FeatureCatalog.SCHEMA
            .features()
            .subList(
                FeatureCatalog.SCHEMA.indexOf("active_days_90d"), FeatureCatalog.SCHEMA.size());
    assertThat(expected.keySet())
        .containsExactlyElementsOf(added.stream().map(FeatureSpec::name).toList());

    FeatureVector v = BatchFeatureComputer.compute(history(), T);
    SoftAssertions soft = new SoftAssertions();
    expected.forEach(
        (name, value) -> soft.assertThat(v.value(name)).as(name).isCloseTo(value, within(1e-12)));
    soft.assertAll();

    List<Event> shuffled = new ArrayList<>(history().subList(0, history().size() - 1));
    Collections.shuffle(shuffled, new java.util.Random(5));
    UserFeatureState state = new UserFeatureState();
    shuffled.forEach(state::apply);
    assertThat(state.vectorAsOf(T)).isEqualTo(v);
  }

  @Test
  void dayWindowsEndWithTheUtcDayOfTAndReachBackWholeDays() {
    Instant midnight = Instant.parse("2024-06-05T00:00:00Z");
    List<Event> h =
        List.of(
            Event.builder("a", "u1", midnight.minus(Duration.ofDays(89)), PURCHASE).build(),
            Event.builder("b", "u1", midnight.minus(Duration.ofDays(89)).minusMillis(1), PURCHASE)
                .build(),
            Event.builder("c", "u1", midnight, PAGE_VIEW).build());
    FeatureVector atMidnight = BatchFeatureComputer.compute(h, midnight);
    assertThat(atMidnight.value("purchase_days_90d")).isEqualTo(1);
    assertThat(atMidnight.value("active_days_90d")).isEqualTo(2);
    assertThat(atMidnight.value("purchase_days_lifetime")).isEqualTo(2);
    assertThat(atMidnight.value("hour_of_day")).isZero();
    assertThat(atMidnight.value("day_of_week")).isEqualTo(3);
    FeatureVector aDayLater = BatchFeatureComputer.compute(h, midnight.plus(Duration.ofDays(1)));
    assertThat(aDayLater.value("purchase_days_90d")).isZero();
    assertThat(aDayLater.value("active_days_90d")).isEqualTo(1);
    FeatureVector lastMillisecondOfSunday =
        BatchFeatureComputer.compute(h, Instant.parse("2024-06-09T23:59:59.999Z"));
    assertThat(lastMillisecondOfSunday.value("day_of_week")).isEqualTo(7);
    assertThat(lastMillisecondOfSunday.value("hour_of_day"))
        .isEqualTo(86_399_999 / 3_600_000.0)
        .isLessThan(24);
  }

  @Test
  void purchaseGapsNeedTwoPurchaseDaysAndOverdueIsCappedAtTen() {
    Instant day = Instant.parse("2024-06-05T08:00:00Z");
    List<Event> sameDay =
        List.of(
            Event.builder("a", "u1", day, PURCHASE).build(),
            Event.builder("b", "u1", day.plusSeconds(3600), PURCHASE).build());
    FeatureVector one = BatchFeatureComputer.compute(sameDay, day.plus(Duration.ofDays(50)));
    assertThat(one.value("purchase_days_lifetime")).isEqualTo(1);
    assertThat(one.value("mean_days_between_purchase_days")).isZero();
    assertThat(one.value("purchase_overdue_ratio")).isZero();
    assertThat(one.value("days_since_first_purchase")).isEqualTo(50);

    List<Event> dayApart =
        List.of(
            Event.builder("a", "u1", day, PURCHASE).build(),
            Event.builder("b", "u1", day.plus(Duration.ofDays(1)), PURCHASE).build());
    Instant late = day.plus(Duration.ofDays(40));
    FeatureVector v = BatchFeatureComputer.compute(dayApart, late);
    assertThat(v.value("mean_days_between_purchase_days")).isEqualTo(1);
    assertThat(v.value("purchase_overdue_ratio")).isEqualTo(10);
    assertThat(
            BatchFeatureComputer.compute(dayApart, day.plus(Duration.ofDays(6)))
                .value("purchase_overdue_ratio"))
        .isEqualTo(5);
  }

  @Test
  void aCartAddLaterThanTheLatestPurchaseIsOpenWhateverTheOrderAndAge() {
    Instant t = Instant.parse("2024-06-05T08:00:00Z");
    Event oldAdd = Event.builder("a", "u1", t.minus(Duration.ofDays(90)), ADD_TO_CART).build();
    Event oldPurchase = Event.builder("p", "u1", t.minus(Duration.ofDays(80)), PURCHASE).build();
    Event tiedAdd = Event.builder("b", "u1", t.minus(Duration.ofDays(80)), ADD_TO_CART).build();
    Event recentView = Event.builder("v", "u1", t, PRODUCT_VIEW).build();

    assertThat(carted(List.of(oldAdd, recentView), t)).isEqualTo(1);
    assertThat(carted(List.of(recentView, oldAdd, oldPurchase), t)).isZero();
    assertThat(carted(List.of(recentView, oldPurchase, tiedAdd), t))
        .as("same millisecond")
        .isZero();
    assertThat(carted(List.of(oldPurchase, recentView), t)).isZero();
    assertThat(carted(List.of(recentView), t)).isZero();
    // the open cart of the window is empty: the add is older than 30 days
    assertThat(
            BatchFeatureComputer.compute(List.of(oldAdd, recentView), t)
                .value("hours_since_oldest_open_cart_add_30d"))
        .isZero();
  }

  private static double carted(List<Event> arrivalOrder, Instant t) {
    UserFeatureState state = new UserFeatureState();
    arrivalOrder.forEach(state::apply);
    FeatureVector online = state.vectorAsOf(t);
    assertThat(online).isEqualTo(BatchFeatureComputer.compute(arrivalOrder, t));
    return online.value("carted_since_last_purchase");
  }

  @Test
  void aLogWithoutPricesItemsOrCategoriesReadsZeroForThem() {
    Instant t = Instant.parse("2024-06-05T08:00:00Z");
    List<Event> h = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      h.add(Event.builder("v" + i, "u1", t.minusSeconds(600 - i * 60L), PRODUCT_VIEW).build());
    }
    h.add(Event.builder("c", "u1", t.minusSeconds(30), ADD_TO_CART).build());
    h.add(Event.builder("p", "u1", t.minus(Duration.ofDays(3)), PURCHASE).build());
    FeatureVector v = BatchFeatureComputer.compute(h, t);
    for (String name :
        List.of(
            "mean_price_viewed_30d",
            "price_range_viewed_30d",
            "mean_price_carted_30d",
            "viewed_to_bought_price_ratio",
            "repeat_item_view_share_30d",
            "max_views_of_one_item_30d",
            "top_category_view_share_30d",
            "distinct_items_carted_30d",
            "session_distinct_items_viewed")) {
      assertThat(v.value(name)).as(name).isZero();
    }
    assertThat(v.value("session_view_to_cart_rate")).isEqualTo(1 / 5.0);
    assertThat(v.value("session_minutes_to_first_cart_add")).isEqualTo(9.5);
  }

  @Test
  void aLongRandomPurchaseLogGivesTheSameValuesOnlineInAnyOrder() {
    SplittableRandom r = new SplittableRandom(11);
    Instant start = Instant.parse("2022-01-01T00:00:00Z");
    List<Event> h = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      h.add(
          Event.builder("o" + i, "u1", start.plusSeconds(r.nextLong(900L * 86_400)), PURCHASE)
              .itemId("i" + r.nextInt(30))
              .price(r.nextInt(0, 120))
              .quantity(1 + r.nextInt(3))
              .build());
    }
    Instant t = start.plus(Duration.ofDays(900));
    List<Event> shuffled = new ArrayList<>(h);
    Collections.shuffle(shuffled, new java.util.Random(3));
    UserFeatureState state = new UserFeatureState();
    shuffled.forEach(state::apply);
    FeatureVector v = BatchFeatureComputer.compute(h, t);
    assertThat(state.vectorAsOf(t)).isEqualTo(v);
    assertThat(v.value("purchase_days_365d")).isGreaterThan(100);
    assertThat(v.value("decayed_purchase_days")).isGreaterThan(1);
  }

  /** Sum over ages (ascending day, i.e. the oldest first) of 0.5^(age / halfLife). */
  private static double decayedDays(int halfLife, int... daysBefore) {
    double sum = 0;
    for (int k : daysBefore) {
      sum += Math.pow(0.5, k / (double) halfLife);
    }
    return sum;
  }

  private static double decayed(int halfLifeDays, double[] agesDays, int... which) {
    double sum = 0;
    for (int i : which) {
      sum += Math.pow(0.5, agesDays[i] / halfLifeDays);
    }
    return sum;
  }
}
