package io.propensity.engine.features;

import io.propensity.engine.event.EventType;
import io.propensity.engine.session.Sessionizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the window features read, computed once per window from the window's events (already
 * in canonical order), sessionized among themselves. Only whole-number accumulations, so the result
 * does not depend on anything but the set of events. Package-private.
 */
final class WindowStats {

  static final long MINUTE_MS = 60_000L;
  static final long HOUR_MS = 3_600_000L;
  static final long DAY_MS = 86_400_000L;
  static final long GAP_MS = Sessionizer.INACTIVITY_GAP.toMillis();

  private static final int PAGE_VIEW = EventType.PAGE_VIEW.ordinal();
  private static final int PRODUCT_VIEW = EventType.PRODUCT_VIEW.ordinal();
  private static final int SEARCH = EventType.SEARCH.ordinal();
  private static final int ADD_TO_CART = EventType.ADD_TO_CART.ordinal();
  private static final int REMOVE_FROM_CART = EventType.REMOVE_FROM_CART.ordinal();
  private static final int BEGIN_CHECKOUT = EventType.BEGIN_CHECKOUT.ordinal();
  private static final int PURCHASE = EventType.PURCHASE.ordinal();

  final int days;
  int events;
  int sessions;
  int activeDays;
  int firstActiveDay = -1;
  int lastActiveDay = -1;
  final int[] byType = new int[EventType.values().length];
  int sessionsWithPurchase;
  int closedCartSessions;
  int abandonedCartSessions;
  long monetaryCents;
  long totalSessionMs;
  long productDwellMs;
  int productDwellCount;
  long otherDwellMs;
  int otherDwellCount;
  final int[] partOfDay = new int[4];
  int weekend;
  int distinctItemsViewed;
  int distinctCategoriesViewed;
  int viewsWithItem;
  int maxViewsOfOneItem;
  int viewsWithCategory;
  int topCategoryViews;
  int distinctItemsCarted;
  int distinctItemsPurchased;
  final int[] byWeekday = new int[7];
  int pricedViews;
  long pricedViewCents;
  int minPricedViewCents;
  int maxPricedViewCents;
  int pricedCartAdds;
  long pricedCartAddCents;
  final int[] byDevice = new int[8];
  final int[] byChannel = new int[8];
  int openCartItems;
  long openCartValueCents;
  long oldestOpenCartAddMs;
  boolean sessionActive;
  int sessionEvents;
  long sessionMs;
  int sessionProductViews;
  int sessionCartAdds;
  boolean sessionReachedCheckout;
  long sessionMsToFirstCartAdd;
  int sessionDistinctItemsViewed;

  private WindowStats(int days) {
    this.days = days;
  }

  /** Stats of the events {@code from..size-1} of {@code ev}, all in (T - days, T]. */
  static WindowStats of(PackedEvents ev, int from, long tMs, int days) {
    WindowStats w = new WindowStats(days);
    int n = ev.size() - from;
    w.events = n;
    if (n == 0) {
      return w;
    }
    long[] millis = new long[n];
    int[] keys = new int[n];
    int[] given = new int[n];
    int[] type = new int[n];
    for (int k = 0; k < n; k++) {
      millis[k] = ev.timeMs(from + k);
      keys[k] = ev.session(from + k);
      given[k] = ev.givenDwellMs(from + k);
      type[k] = ev.type(from + k);
    }
    int[] sessionOf = new int[n];
    int sessions = Sessionizer.assignSessions(millis, keys, n, sessionOf);
    long[] dwell = new long[n];
    Sessionizer.dwellMillis(millis, given, sessionOf, n, sessions, dwell);
    w.sessions = sessions;

    long[] sessionFirst = new long[sessions];
    long[] sessionLast = new long[sessions];
    int[] lastCartAdd = new int[sessions];
    int[] lastPurchase = new int[sessions];
    Arrays.fill(sessionFirst, Long.MAX_VALUE);
    Arrays.fill(sessionLast, Long.MIN_VALUE);
    Arrays.fill(lastCartAdd, -1);
    Arrays.fill(lastPurchase, -1);
    boolean[] activeDay = new boolean[days];
    int[] viewedItems = new int[n];
    int[] viewedCategories = new int[n];
    int[] cartedItems = new int[n];
    int[] purchasedItems = new int[n];
    int items = 0;
    int categories = 0;
    int carted = 0;
    int purchased = 0;
    Map<Integer, Long> openCart = new HashMap<>();
    // first add of each open item since it was last closed (events come in time order)
    Map<Integer, Long> openCartSince = new HashMap<>();

    for (int k = 0; k < n; k++) {
      int i = from + k;
      long t = millis[k];
      int s = sessionOf[k];
      int ty = type[k];
      w.byType[ty]++;
      sessionFirst[s] = Math.min(sessionFirst[s], t);
      sessionLast[s] = Math.max(sessionLast[s], t);

      int day = (int) ((tMs - t) / DAY_MS);
      activeDay[day] = true;
      w.partOfDay[partOfDay(t)]++;
      int dayOfWeek = weekday(t);
      w.byWeekday[dayOfWeek]++;
      if (dayOfWeek >= 5) {
        w.weekend++;
      }
      w.byDevice[ev.device(i)]++;
      w.byChannel[ev.channel(i)]++;

      if (dwell[k] >= 0) {
        if (ty == PRODUCT_VIEW) {
          w.productDwellMs += dwell[k];
          w.productDwellCount++;
        } else if (ty == PAGE_VIEW || ty == SEARCH) {
          w.otherDwellMs += dwell[k];
          w.otherDwellCount++;
        }
      }
      int value = ev.valueCents(i);
      if (ty == PRODUCT_VIEW) {
        if (ev.item(i) != 0) {
          viewedItems[items++] = ev.item(i);
        }
        if (ev.category(i) != 0) {
          viewedCategories[categories++] = ev.category(i);
        }
        if (value > 0) {
          w.minPricedViewCents = w.pricedViews == 0 ? value : Math.min(w.minPricedViewCents, value);
          w.maxPricedViewCents = Math.max(w.maxPricedViewCents, value);
          w.pricedViews++;
          w.pricedViewCents += value;
        }
      } else if (ty == ADD_TO_CART) {
        lastCartAdd[s] = k;
        openCart.merge(ev.item(i), (long) value, Long::sum);
        openCartSince.putIfAbsent(ev.item(i), t);
        if (ev.item(i) != 0) {
          cartedItems[carted++] = ev.item(i);
        }
        if (value > 0) {
          w.pricedCartAdds++;
          w.pricedCartAddCents += value;
        }
      } else if (ty == REMOVE_FROM_CART) {
        openCart.remove(ev.item(i));
        openCartSince.remove(ev.item(i));
      } else if (ty == PURCHASE) {
        lastPurchase[s] = k;
        w.monetaryCents += value;
        openCart.clear();
        openCartSince.clear();
        if (ev.item(i) != 0) {
          purchasedItems[purchased++] = ev.item(i);
        }
      }
    }

    for (int s = 0; s < sessions; s++) {
      w.totalSessionMs += sessionLast[s] - sessionFirst[s];
      if (lastPurchase[s] >= 0) {
        w.sessionsWithPurchase++;
      }
      boolean closed = tMs - sessionLast[s] >= GAP_MS;
      if (closed && lastCartAdd[s] >= 0) {
        w.closedCartSessions++;
        if (lastPurchase[s] < lastCartAdd[s]) {
          w.abandonedCartSessions++;
        }
      }
    }
    for (int d = 0; d < days; d++) {
      if (activeDay[d]) {
        w.activeDays++;
        if (w.firstActiveDay < 0) {
          w.firstActiveDay = d;
        }
        w.lastActiveDay = d;
      }
    }
    w.viewsWithItem = items;
    w.viewsWithCategory = categories;
    Multiplicity viewed = Multiplicity.of(viewedItems, items);
    w.distinctItemsViewed = viewed.distinct();
    w.maxViewsOfOneItem = viewed.mostFrequent();
    Multiplicity viewedCategory = Multiplicity.of(viewedCategories, categories);
    w.distinctCategoriesViewed = viewedCategory.distinct();
    w.topCategoryViews = viewedCategory.mostFrequent();
    w.distinctItemsCarted = Multiplicity.of(cartedItems, carted).distinct();
    w.distinctItemsPurchased = Multiplicity.of(purchasedItems, purchased).distinct();
    w.openCartItems = openCart.size();
    for (long v : openCart.values()) {
      w.openCartValueCents += v;
    }
    w.oldestOpenCartAddMs = Long.MAX_VALUE;
    for (long since : openCartSince.values()) {
      w.oldestOpenCartAddMs = Math.min(w.oldestOpenCartAddMs, since);
    }

    int current = sessionOf[n - 1];
    if (tMs - millis[n - 1] < GAP_MS) {
      w.sessionActive = true;
      w.sessionMs = sessionLast[current] - sessionFirst[current];
      int[] sessionItems = new int[n];
      int sessionItemCount = 0;
      for (int k = 0; k < n; k++) {
        if (sessionOf[k] != current) {
          continue;
        }
        w.sessionEvents++;
        if (type[k] == PRODUCT_VIEW) {
          w.sessionProductViews++;
          if (ev.item(from + k) != 0) {
            sessionItems[sessionItemCount++] = ev.item(from + k);
          }
        } else if (type[k] == ADD_TO_CART) {
          if (w.sessionCartAdds == 0) {
            w.sessionMsToFirstCartAdd = millis[k] - sessionFirst[current];
          }
          w.sessionCartAdds++;
        } else if (type[k] == BEGIN_CHECKOUT || type[k] == PURCHASE) {
          w.sessionReachedCheckout = true;
        }
      }
      w.sessionDistinctItemsViewed = Multiplicity.of(sessionItems, sessionItemCount).distinct();
    }
    return w;
  }

  /** The 6-hour UTC part of the day of an instant: 0 from 00:00, 1 from 06:00, 2 12:00, 3 18:00. */
  static int partOfDay(long epochMs) {
    return (int) (Math.floorMod(epochMs, DAY_MS) / HOUR_MS) / 6;
  }

  /** The UTC weekday of an instant in epoch milliseconds: 0 Monday .. 6 Sunday. */
  static int weekday(long epochMs) {
    return (int) Math.floorMod(Math.floorDiv(epochMs, DAY_MS) + 3, 7); // 1970-01-01: a Thursday
  }

  int count(EventType t) {
    return byType[t.ordinal()];
  }

  /** Of some values: how many distinct ones, and how often the most frequent one occurs. */
  private record Multiplicity(int distinct, int mostFrequent) {

    /** Of the first {@code n} of {@code values}. */
    static Multiplicity of(int[] values, int n) {
      if (n == 0) {
        return new Multiplicity(0, 0);
      }
      int[] v = Arrays.copyOf(values, n);
      Arrays.sort(v);
      int distinct = 1;
      int run = 1;
      int mostFrequent = 1;
      for (int i = 1; i < n; i++) {
        if (v[i] != v[i - 1]) {
          distinct++;
          run = 1;
        } else {
          mostFrequent = Math.max(mostFrequent, ++run);
        }
      }
      return new Multiplicity(distinct, mostFrequent);
    }
  }
}
