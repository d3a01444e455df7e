package io.propensity.engine.features;

import static io.propensity.engine.features.FeatureContext.bool;
import static io.propensity.engine.features.FeatureContext.dominant;
import static io.propensity.engine.features.FeatureContext.money;
import static io.propensity.engine.features.FeatureContext.ratio;
import static io.propensity.engine.features.FeatureType.BOOLEAN;
import static io.propensity.engine.features.FeatureType.CATEGORICAL;
import static io.propensity.engine.features.FeatureType.COUNT;
import static io.propensity.engine.features.FeatureType.NUMERIC;
import static io.propensity.engine.features.FeatureType.RATIO;
import static io.propensity.engine.features.FeatureWindow.CURRENT_SESSION;
import static io.propensity.engine.features.FeatureWindow.DAYS_30;
import static io.propensity.engine.features.FeatureWindow.DAYS_7;
import static io.propensity.engine.features.FeatureWindow.DAY_1;
import static io.propensity.engine.features.FeatureWindow.LIFETIME;

import io.propensity.engine.event.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The one place where the built-in features are defined: name, type, description, window, and how
 * the value is read. Both {@link BatchFeatureComputer} and {@link UserFeatureState} evaluate this
 * list, so offline and online values cannot drift apart. Times of day and weekdays are in UTC.
 */
public final class FeatureCatalog {

  private static final List<FeatureDefinition> DEFINITIONS = define();

  /** The schema of the built-in features, in vector order. */
  public static final FeatureSchema SCHEMA =
      FeatureSchema.of(DEFINITIONS.stream().map(FeatureDefinition::spec).toList());

  private FeatureCatalog() {}

  /** Same as {@link #SCHEMA}. */
  public static FeatureSchema schema() {
    return SCHEMA;
  }

  static List<FeatureDefinition> definitions() {
    return DEFINITIONS;
  }

  private static List<FeatureDefinition> define() {
    List<FeatureDefinition> d = new ArrayList<>();

    // Recency and lifetime value: whole-number totals only, see LifetimeTotals.
    add(
        d,
        "hours_since_last_event",
        NUMERIC,
        LIFETIME,
        "Hours from the latest event to T, capped at 2160 (90 days); 2160 when there is none.",
        c -> c.hoursSince(c.life().lastMs));
    add(
        d,
        "hours_since_last_purchase",
        NUMERIC,
        LIFETIME,
        "Hours from the latest purchase to T, capped at 2160 (90 days); 2160 when there is none.",
        c -> c.hoursSince(c.life().lastPurchaseMs));
    add(
        d,
        "hours_since_last_cart_add",
        NUMERIC,
        LIFETIME,
        "Hours from the latest cart add to T, capped at 2160 (90 days); 2160 when there is none.",
        c -> c.hoursSince(c.life().lastCartAddMs));
    add(
        d,
        "days_since_first_event",
        NUMERIC,
        LIFETIME,
        "Days from the first event to T (tenure); 0 when there is none.",
        c ->
            c.life().events == 0
                ? 0.0
                : (c.tMs() - c.life().firstMs) / (double) WindowStats.DAY_MS);
    add(d, "events_lifetime", COUNT, LIFETIME, "Events at or before T.", c -> c.life().events);
    add(
        d,
        "cart_adds_lifetime",
        COUNT,
        LIFETIME,
        "Cart adds at or before T.",
        c -> c.life().cartAdds);
    add(
        d,
        "purchases_lifetime",
        COUNT,
        LIFETIME,
        "Purchase events at or before T.",
        c -> c.life().purchases);
    add(
        d,
        "monetary_lifetime",
        NUMERIC,
        LIFETIME,
        "Sum of price x quantity over purchases at or before T, in currency units (no price counts"
            + " 0).",
        c -> money(c.life().monetaryCents));
    add(
        d,
        "mean_order_value_lifetime",
        NUMERIC,
        LIFETIME,
        "monetary_lifetime / purchases_lifetime; 0 when there is no purchase.",
        FeatureContext::meanOrderValueLifetime);
    add(
        d,
        "purchases_per_product_view_lifetime",
        RATIO,
        LIFETIME,
        "purchases_lifetime / product views at or before T; 0 when there is no product view.",
        c -> ratio(c.life().purchases, c.life().productViews));

    // Frequency and revisits.
    perWindow(d, "events", COUNT, "Events in the window.", w -> w.events);
    perWindow(
        d,
        "sessions",
        COUNT,
        "Sessions in the window (sessionized among themselves).",
        w -> w.sessions);
    add(
        d,
        "active_days_7d",
        COUNT,
        DAYS_7,
        "Active days: 24-hour periods counted back from T with at least one event, in the window.",
        c -> c.d7().activeDays);
    add(
        d,
        "active_days_30d",
        COUNT,
        DAYS_30,
        "Active days: 24-hour periods counted back from T with at least one event, in the window.",
        c -> c.d30().activeDays);
    add(
        d,
        "revisit_rate_7d",
        RATIO,
        DAYS_7,
        "Revisit rate: active_days_7d / 7, the share of the window's days with a visit.",
        c -> c.d7().activeDays / 7.0);
    add(
        d,
        "revisit_rate_30d",
        RATIO,
        DAYS_30,
        "Revisit rate: active_days_30d / 30, the share of the window's days with a visit.",
        c -> c.d30().activeDays / 30.0);
    add(
        d,
        "mean_days_between_visits_30d",
        NUMERIC,
        DAYS_30,
        "Mean gap in days between consecutive active days; 30 when fewer than two active days.",
        c ->
            c.d30().activeDays < 2
                ? 30.0
                : (c.d30().lastActiveDay - c.d30().firstActiveDay)
                    / (double) (c.d30().activeDays - 1));
    add(
        d,
        "events_per_session_30d",
        RATIO,
        DAYS_30,
        "events_30d / sessions_30d; 0 when there is no session.",
        c -> ratio(c.d30().events, c.d30().sessions));
    add(
        d,
        "mean_session_minutes_30d",
        NUMERIC,
        DAYS_30,
        "Mean session duration (first to last event) in minutes; 0 when there is no session.",
        c ->
            c.d30().sessions == 0
                ? 0.0
                : c.d30().totalSessionMs / (double) WindowStats.MINUTE_MS / c.d30().sessions);

    // Dwell by page type: product pages vs other pages (page views and searches).
    add(
        d,
        "product_dwell_seconds_7d",
        NUMERIC,
        DAYS_7,
        "Total dwell on product pages in seconds.",
        c -> c.d7().productDwellMs / 1000.0);
    add(
        d,
        "product_dwell_seconds_30d",
        NUMERIC,
        DAYS_30,
        "Total dwell on product pages in seconds.",
        c -> c.d30().productDwellMs / 1000.0);
    add(
        d,
        "mean_product_dwell_seconds_30d",
        NUMERIC,
        DAYS_30,
        "Mean dwell in seconds over product views that have one; 0 when none has.",
        c ->
            c.d30().productDwellCount == 0
                ? 0.0
                : c.d30().productDwellMs / 1000.0 / c.d30().productDwellCount);
    add(
        d,
        "other_dwell_seconds_30d",
        NUMERIC,
        DAYS_30,
        "Total dwell on other pages (page views and searches) in seconds.",
        c -> c.d30().otherDwellMs / 1000.0);
    add(
        d,
        "mean_other_dwell_seconds_30d",
        NUMERIC,
        DAYS_30,
        "Mean dwell in seconds over page views and searches that have one; 0 when none has.",
        c ->
            c.d30().otherDwellCount == 0
                ? 0.0
                : c.d30().otherDwellMs / 1000.0 / c.d30().otherDwellCount);

    // When the user shops (UTC).
    String[] parts = {"night", "morning", "afternoon", "evening"};
    String[] hours = {"00:00-06:00", "06:00-12:00", "12:00-18:00", "18:00-24:00"};
    for (int p = 0; p < 4; p++) {
      int part = p;
      add(
          d,
          parts[p] + "_share_30d",
          RATIO,
          DAYS_30,
          "Share of events between " + hours[p] + " UTC; 0 when there is no event.",
          c -> ratio(c.d30().partOfDay[part], c.d30().events));
    }
    add(
        d,
        "weekend_share_30d",
        RATIO,
        DAYS_30,
        "Share of events on Saturday or Sunday (UTC); 0 when there is no event.",
        c -> ratio(c.d30().weekend, c.d30().events));

    // Funnel: product views -> cart adds -> checkouts -> purchases.
    perWindow(
        d,
        "product_views",
        COUNT,
        "Product views in the window.",
        w -> w.count(EventType.PRODUCT_VIEW));
    perWindow(
        d, "cart_adds", COUNT, "Cart adds in the window.", w -> w.count(EventType.ADD_TO_CART));
    add(
        d,
        "checkouts_30d",
        COUNT,
        DAYS_30,
        "Checkouts begun in the window.",
        c -> c.d30().count(EventType.BEGIN_CHECKOUT));
    add(
        d,
        "purchases_7d",
        COUNT,
        DAYS_7,
        "Purchase events in the window.",
        c -> c.d7().count(EventType.PURCHASE));
    add(
        d,
        "purchases_30d",
        COUNT,
        DAYS_30,
        "Purchase events in the window.",
        c -> c.d30().count(EventType.PURCHASE));
    add(
        d,
        "searches_30d",
        COUNT,
        DAYS_30,
        "Searches in the window.",
        c -> c.d30().count(EventType.SEARCH));
    add(
        d,
        "cart_removes_30d",
        COUNT,
        DAYS_30,
        "Cart removals in the window.",
        c -> c.d30().count(EventType.REMOVE_FROM_CART));
    add(
        d,
        "view_to_cart_rate_30d",
        RATIO,
        DAYS_30,
        "cart_adds_30d / product_views_30d (may exceed 1); 0 when there is no product view.",
        c -> ratio(c.d30().count(EventType.ADD_TO_CART), c.d30().count(EventType.PRODUCT_VIEW)));
    add(
        d,
        "cart_to_checkout_rate_30d",
        RATIO,
        DAYS_30,
        "checkouts_30d / cart_adds_30d (may exceed 1); 0 when there is no cart add.",
        c -> ratio(c.d30().count(EventType.BEGIN_CHECKOUT), c.d30().count(EventType.ADD_TO_CART)));
    add(
        d,
        "checkout_to_purchase_rate_30d",
        RATIO,
        DAYS_30,
        "purchases_30d / checkouts_30d (may exceed 1); 0 when there is no checkout.",
        c -> ratio(c.d30().count(EventType.PURCHASE), c.d30().count(EventType.BEGIN_CHECKOUT)));
    add(
        d,
        "session_conversion_rate_30d",
        RATIO,
        DAYS_30,
        "Share of sessions with a purchase; 0 when there is no session.",
        c -> ratio(c.d30().sessionsWithPurchase, c.d30().sessions));

    // Carts.
    add(
        d,
        "abandoned_cart_sessions_30d",
        COUNT,
        DAYS_30,
        "Ended sessions (last event 30 min or more before T) whose last cart add has no later"
            + " purchase in the session.",
        c -> c.d30().abandonedCartSessions);
    add(
        d,
        "cart_abandonment_rate_30d",
        RATIO,
        DAYS_30,
        "abandoned_cart_sessions_30d / ended sessions with a cart add; 0 when there is none.",
        c -> ratio(c.d30().abandonedCartSessions, c.d30().closedCartSessions));
    add(
        d,
        "open_cart_items_30d",
        COUNT,
        DAYS_30,
        "Items in the cart now: added in the window after its last purchase and not removed since.",
        c -> c.d30().openCartItems);
    add(
        d,
        "open_cart_value_30d",
        NUMERIC,
        DAYS_30,
        "Price x quantity of the adds behind open_cart_items_30d, in currency units.",
        c -> money(c.d30().openCartValueCents));

    // Money in the windows.
    add(
        d,
        "monetary_7d",
        NUMERIC,
        DAYS_7,
        "Sum of price x quantity over purchases in the window, in currency units.",
        c -> money(c.d7().monetaryCents));
    add(
        d,
        "monetary_30d",
        NUMERIC,
        DAYS_30,
        "Sum of price x quantity over purchases in the window, in currency units.",
        c -> money(c.d30().monetaryCents));
    add(
        d,
        "mean_order_value_30d",
        NUMERIC,
        DAYS_30,
        "monetary_30d / purchases_30d; 0 when there is no purchase.",
        c ->
            c.d30().count(EventType.PURCHASE) == 0
                ? 0.0
                : money(c.d30().monetaryCents) / c.d30().count(EventType.PURCHASE));

    // Breadth of interest.
    add(
        d,
        "distinct_items_viewed_7d",
        COUNT,
        DAYS_7,
        "Distinct items among product views.",
        c -> c.d7().distinctItemsViewed);
    add(
        d,
        "distinct_items_viewed_30d",
        COUNT,
        DAYS_30,
        "Distinct items among product views.",
        c -> c.d30().distinctItemsViewed);
    add(
        d,
        "distinct_categories_viewed_30d",
        COUNT,
        DAYS_30,
        "Distinct categories among product views.",
        c -> c.d30().distinctCategoriesViewed);

    // Device and traffic source.
    add(
        d,
        "mobile_share_30d",
        RATIO,
        DAYS_30,
        "Share of events from a phone, tablet or app; 0 when there is no event.",
        c ->
            ratio(
                c.d30().byDevice[DeviceClass.MOBILE.ordinal()]
                    + c.d30().byDevice[DeviceClass.TABLET.ordinal()]
                    + c.d30().byDevice[DeviceClass.APP.ordinal()],
                c.d30().events));
    add(
        d,
        "dominant_device_30d",
        CATEGORICAL,
        DAYS_30,
        "Most frequent known device: 0 unknown, 1 desktop, 2 mobile, 3 tablet, 4 app, 5 other; ties"
            + " to the lower.",
        c -> dominant(c.d30().byDevice));
    add(
        d,
        "paid_share_30d",
        RATIO,
        DAYS_30,
        "Share of events from paid traffic (ads, cpc, display...); 0 when there is no event.",
        c -> ratio(c.d30().byChannel[TrafficChannel.PAID.ordinal()], c.d30().events));
    add(
        d,
        "search_share_30d",
        RATIO,
        DAYS_30,
        "Share of events from unpaid search; 0 when there is no event.",
        c -> ratio(c.d30().byChannel[TrafficChannel.SEARCH.ordinal()], c.d30().events));
    add(
        d,
        "email_share_30d",
        RATIO,
        DAYS_30,
        "Share of events from email; 0 when there is no event.",
        c -> ratio(c.d30().byChannel[TrafficChannel.EMAIL.ordinal()], c.d30().events));
    add(
        d,
        "social_share_30d",
        RATIO,
        DAYS_30,
        "Share of events from social networks; 0 when there is no event.",
        c -> ratio(c.d30().byChannel[TrafficChannel.SOCIAL.ordinal()], c.d30().events));
    add(
        d,
        "dominant_source_30d",
        CATEGORICAL,
        DAYS_30,
        "Most frequent known source: 0 unknown, 1 direct, 2 search, 3 paid, 4 email, 5 social, 6"
            + " referral, 7 other; ties to the lower.",
        c -> dominant(c.d30().byChannel));

    // The current session, for in-session scoring.
    add(
        d,
        "session_active",
        BOOLEAN,
        CURRENT_SESSION,
        "1 when the latest event is under 30 minutes before T (a session is going on); else 0 and"
            + " every session_ feature is 0.",
        c -> bool(c.d30().sessionActive));
    add(
        d,
        "session_events",
        COUNT,
        CURRENT_SESSION,
        "Events of the current session so far (within the last 30 days).",
        c -> c.d30().sessionEvents);
    add(
        d,
        "session_minutes",
        NUMERIC,
        CURRENT_SESSION,
        "Minutes from the first to the latest event of the current session.",
        c -> c.d30().sessionMs / (double) WindowStats.MINUTE_MS);
    add(
        d,
        "session_product_views",
        COUNT,
        CURRENT_SESSION,
        "Product views in the current session.",
        c -> c.d30().sessionProductViews);
    add(
        d,
        "session_cart_adds",
        COUNT,
        CURRENT_SESSION,
        "Cart adds in the current session.",
        c -> c.d30().sessionCartAdds);
    add(
        d,
        "session_reached_checkout",
        BOOLEAN,
        CURRENT_SESSION,
        "1 when the current session has begun a checkout or purchased.",
        c -> bool(c.d30().sessionReachedCheckout));

    dayHistory(d);
    trends(d);
    repetition(d);
    cartsWithoutPurchase(d);
    priceLevel(d);
    sessionIntent(d);
    habitsAndTimeOfT(d);
    decayedCounts(d);
    return List.copyOf(d);
  }

  /** Day-level history beyond 30 days, from the lifetime sets of active and purchase UTC days. */
  private static void dayHistory(List<FeatureDefinition> d) {
    for (int days : new int[] {90, 365}) {
      add(
          d,
          "active_days_" + days + "d",
          COUNT,
          LIFETIME,
          "Active UTC days in the last "
              + days
              + ": UTC calendar days with an event among the "
              + days
              + " days ending with the UTC day of T.",
          c -> c.activeDays(days));
    }
    add(
        d,
        "purchase_days_lifetime",
        COUNT,
        LIFETIME,
        "Purchase days: UTC calendar days with a purchase at or before T.",
        c -> c.life().purchaseDays.count());
    for (int days : new int[] {90, 365}) {
      add(
          d,
          "purchase_days_" + days + "d",
          COUNT,
          LIFETIME,
          "Purchase days in the last "
              + days
              + ": UTC calendar days with a purchase among the "
              + days
              + " days ending with the UTC day of T.",
          c -> c.purchaseDays(days));
    }
    add(
        d,
        "days_since_first_purchase",
        NUMERIC,
        LIFETIME,
        "Days from the first purchase to T; 0 when there is none.",
        c ->
            c.life().purchases == 0
                ? 0.0
                : (c.tMs() - c.life().firstPurchaseMs) / (double) WindowStats.DAY_MS);
    add(
        d,
        "mean_days_between_purchase_days",
        NUMERIC,
        LIFETIME,
        "Mean gap in days between purchase days: (last purchase day - first purchase day) /"
            + " (purchase_days_lifetime - 1); 0 when fewer than two purchase days.",
        FeatureContext::meanDaysBetweenPurchaseDays);
    add(
        d,
        "purchase_overdue_ratio",
        RATIO,
        LIFETIME,
        "Purchase overdue ratio: whole days from the last purchase day to the UTC day of T /"
            + " mean_days_between_purchase_days, capped at 10; 0 when fewer than two purchase"
            + " days.",
        FeatureContext::purchaseOverdueRatio);
    add(
        d,
        "decayed_purchase_days",
        NUMERIC,
        LIFETIME,
        "Decayed purchase days: the sum over purchase days d of 0.5^((D - d) / 30), D the UTC day"
            + " of T (half-life 30 days).",
        c -> c.life().purchaseDays.decayedSum(c.today(), Decay.DAYS_30));
    add(
        d,
        "decayed_active_days",
        NUMERIC,
        LIFETIME,
        "Decayed active days: the sum over UTC days d with an event of 0.5^((D - d) / 7), D the"
            + " UTC day of T (half-life 7 days).",
        c -> c.life().activeDays.decayedSum(c.today(), Decay.DAYS_7));
  }

  /** Recent activity against a longer baseline. */
  private static void trends(List<FeatureDefinition> d) {
    add(
        d,
        "events_1d_vs_7d",
        RATIO,
        DAYS_7,
        "Events of the last day vs the daily mean of the window: events_1d / (events_7d / 7); 0"
            + " when events_7d is 0.",
        c -> c.d7().events == 0 ? 0.0 : c.d1().events / (c.d7().events / 7.0));
    add(
        d,
        "events_7d_vs_30d",
        RATIO,
        DAYS_30,
        "Events of the last 7 days vs the weekly mean of the window: events_7d / (events_30d * 7 /"
            + " 30); 0 when events_30d is 0.",
        c -> c.d30().events == 0 ? 0.0 : c.d7().events / (c.d30().events * 7 / 30.0));
    add(
        d,
        "active_days_30d_vs_90d",
        RATIO,
        LIFETIME,
        "Active UTC days of the last 30 vs their mean over the last 90: UTC calendar days with an"
            + " event among the 30 days ending with the UTC day of T / (active_days_90d / 3); 0"
            + " when active_days_90d is 0.",
        c -> {
          int days90 = c.activeDays(90);
          return days90 == 0 ? 0.0 : c.activeDays(30) / (days90 / 3.0);
        });
  }

  /** How often the same items and categories come back among product views. */
  private static void repetition(List<FeatureDefinition> d) {
    add(
        d,
        "repeat_item_view_share_30d",
        RATIO,
        DAYS_30,
        "Share of repeat item views: (product views with an item - distinct items among them) /"
            + " product views with an item; 0 when there is none.",
        c -> ratio(c.d30().viewsWithItem - c.d30().distinctItemsViewed, c.d30().viewsWithItem));
    add(
        d,
        "max_views_of_one_item_30d",
        COUNT,
        DAYS_30,
        "Most views of one item: product views of the most viewed item; 0 when no product view"
            + " has an item.",
        c -> c.d30().maxViewsOfOneItem);
    add(
        d,
        "top_category_view_share_30d",
        RATIO,
        DAYS_30,
        "Top category share of views: product views in the most viewed category / product views"
            + " with a category; 0 when there is none.",
        c -> ratio(c.d30().topCategoryViews, c.d30().viewsWithCategory));
    add(
        d,
        "distinct_categories_viewed_7d",
        COUNT,
        DAYS_7,
        "Distinct categories among product views.",
        c -> c.d7().distinctCategoriesViewed);
    add(
        d,
        "distinct_items_carted_30d",
        COUNT,
        DAYS_30,
        "Distinct items among cart adds.",
        c -> c.d30().distinctItemsCarted);
    add(
        d,
        "distinct_items_purchased_30d",
        COUNT,
        DAYS_30,
        "Distinct items among purchases.",
        c -> c.d30().distinctItemsPurchased);
  }

  /** Carts filled and not bought. */
  private static void cartsWithoutPurchase(List<FeatureDefinition> d) {
    add(
        d,
        "carted_since_last_purchase",
        BOOLEAN,
        LIFETIME,
        "1 when the latest cart add at or before T is later than the latest purchase (in the same"
            + " millisecond is not later), or there is a cart add and no purchase.",
        c -> bool(c.life().lastCartAddMs > c.life().lastPurchaseMs));
    add(
        d,
        "hours_since_oldest_open_cart_add_30d",
        NUMERIC,
        DAYS_30,
        "Hours from the oldest add behind open_cart_items_30d (each open item's first add since it"
            + " was last removed or bought) to T; 0 when the cart is empty.",
        c ->
            c.d30().openCartItems == 0
                ? 0.0
                : (c.tMs() - c.d30().oldestOpenCartAddMs) / (double) WindowStats.HOUR_MS);
  }

  /** Prices seen, carted and paid (price x quantity in whole cents; 0 means no usable price). */
  private static void priceLevel(List<FeatureDefinition> d) {
    add(
        d,
        "mean_price_viewed_30d",
        NUMERIC,
        DAYS_30,
        "Mean price x quantity over product views with a price, in currency units; 0 when none"
            + " has.",
        FeatureContext::meanPriceViewed30d);
    add(
        d,
        "price_range_viewed_30d",
        NUMERIC,
        DAYS_30,
        "Highest minus lowest price x quantity among product views with a price, in currency"
            + " units; 0 when none has.",
        c -> money(c.d30().maxPricedViewCents - c.d30().minPricedViewCents));
    add(
        d,
        "mean_price_carted_30d",
        NUMERIC,
        DAYS_30,
        "Mean price x quantity over cart adds with a price, in currency units; 0 when none has.",
        c ->
            c.d30().pricedCartAdds == 0
                ? 0.0
                : money(c.d30().pricedCartAddCents) / c.d30().pricedCartAdds);
    add(
        d,
        "viewed_to_bought_price_ratio",
        RATIO,
        LIFETIME,
        "mean_price_viewed_30d / mean_order_value_lifetime; 0 when either is 0.",
        c -> {
          double viewed = c.meanPriceViewed30d();
          double bought = c.meanOrderValueLifetime();
          return viewed == 0.0 || bought == 0.0 ? 0.0 : viewed / bought;
        });
  }

  /** Depth and pace of the current session. */
  private static void sessionIntent(List<FeatureDefinition> d) {
    add(
        d,
        "session_minutes_to_first_cart_add",
        NUMERIC,
        CURRENT_SESSION,
        "Minutes from the first event of the current session to its first cart add; 0 when it has"
            + " none.",
        c -> c.d30().sessionMsToFirstCartAdd / (double) WindowStats.MINUTE_MS);
    add(
        d,
        "session_distinct_items_viewed",
        COUNT,
        CURRENT_SESSION,
        "Distinct items among product views in the current session.",
        c -> c.d30().sessionDistinctItemsViewed);
    add(
        d,
        "session_view_to_cart_rate",
        RATIO,
        CURRENT_SESSION,
        "session_cart_adds / session_product_views (may exceed 1); 0 when there is no product"
            + " view.",
        c -> ratio(c.d30().sessionCartAdds, c.d30().sessionProductViews));
  }

  /** Whether T falls when the user usually shops, and when T is (UTC). */
  private static void habitsAndTimeOfT(List<FeatureDefinition> d) {
    add(
        d,
        "same_weekday_share_30d",
        RATIO,
        DAYS_30,
        "Share of events on the UTC weekday of T; 0 when there is no event.",
        c -> ratio(c.d30().byWeekday[WindowStats.weekday(c.tMs())], c.d30().events));
    add(
        d,
        "same_part_of_day_share_30d",
        RATIO,
        DAYS_30,
        "Share of events in the 6-hour UTC part of the day of T (from 00:00, 06:00, 12:00 or"
            + " 18:00); 0 when there is no event.",
        c -> ratio(c.d30().partOfDay[WindowStats.partOfDay(c.tMs())], c.d30().events));
    add(
        d,
        "hour_of_day",
        NUMERIC,
        LIFETIME,
        "UTC hour of T with its fraction, 0 <= x < 24; 0 when there is no event at or before T.",
        c ->
            c.life().events == 0
                ? 0.0
                : Math.floorMod(c.tMs(), WindowStats.DAY_MS) / (double) WindowStats.HOUR_MS);
    add(
        d,
        "day_of_week",
        CATEGORICAL,
        LIFETIME,
        "UTC weekday of T: 1 Monday, 2 Tuesday, 3 Wednesday, 4 Thursday, 5 Friday, 6 Saturday, 7"
            + " Sunday; 0 only when there is no event at or before T.",
        c -> c.life().events == 0 ? 0.0 : WindowStats.weekday(c.tMs()) + 1);
  }

  /** Event counts of the 30-day window, each event weighing less the older it is. */
  private static void decayedCounts(List<FeatureDefinition> d) {
    add(
        d,
        "decayed_events_1d",
        NUMERIC,
        DAYS_30,
        "Events decayed with a 1-day half-life: the sum over the window's events at t of"
            + " 0.5^((T - t) / 1 day).",
        c -> c.decayed().events1d());
    add(
        d,
        "decayed_events_7d",
        NUMERIC,
        DAYS_30,
        "Events decayed with a 7-day half-life: the sum over the window's events at t of"
            + " 0.5^((T - t) / 7 days).",
        c -> c.decayed().events7d());
    add(
        d,
        "decayed_product_views_7d",
        NUMERIC,
        DAYS_30,
        "Product views decayed with a 7-day half-life: the sum over the window's product views at"
            + " t of 0.5^((T - t) / 7 days).",
        c -> c.decayed().productViews7d());
    add(
        d,
        "decayed_cart_adds_7d",
        NUMERIC,
        DAYS_30,
        "Cart adds decayed with a 7-day half-life: the sum over the window's cart adds at t of"
            + " 0.5^((T - t) / 7 days).",
        c -> c.decayed().cartAdds7d());
  }

  private static void add(
      List<FeatureDefinition> d,
      String name,
      FeatureType type,
      FeatureWindow window,
      String description,
      ToDoubleFunction<FeatureContext> value) {
    d.add(new FeatureDefinition(new FeatureSpec(name, type, description, window), value));
  }

  private static void perWindow(
      List<FeatureDefinition> d,
      String stem,
      FeatureType type,
      String description,
      ToDoubleFunction<WindowStats> value) {
    add(d, stem + "_1d", type, DAY_1, description, c -> value.applyAsDouble(c.d1()));
    add(d, stem + "_7d", type, DAYS_7, description, c -> value.applyAsDouble(c.d7()));
    add(d, stem + "_30d", type, DAYS_30, description, c -> value.applyAsDouble(c.d30()));
  }
}
