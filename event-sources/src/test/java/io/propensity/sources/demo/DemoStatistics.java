package io.propensity.sources.demo;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Measures a generated dataset the way a modeller would look at it; {@code main(users)} prints the
 * measurements and the generation speed.
 */
final class DemoStatistics {
  final int users;
  long events;
  long eventsWithoutSession;
  long pageEvents;
  long pageEventsWithDwell;
  long purchases;
  long cartAdds;
  long checkouts;
  long usersWithEvents;
  long usersWhoBought;

  /** (user, week) pairs with a purchase, over users × weeks. */
  double weeklyConversion;

  final long[] byHour = new long[24];
  final long[] byWeekday = new long[7];

  /** Share of users who bought, by decile of hidden intent (0 = lowest). */
  final double[] purchaseShareByIntentDecile = new double[10];

  /** ROC-AUC of a one-line heuristic on the last 14 days before a cutoff, for buying after it. */
  double purchaseHeuristicAuc;

  double purchaseBaseRate;

  /** ROC-AUC of recent inactivity for "no visit after the cutoff" among users active before. */
  double churnHeuristicAuc;

  double churnBaseRate;

  private DemoStatistics(int users) {
    this.users = users;
  }

  static DemoStatistics of(DemoDataGenerator generator, Duration horizon) {
    DemoConfig c = generator.config();
    DemoStatistics st = new DemoStatistics(c.users());
    Instant cutoff = c.end().minus(horizon);
    Instant recent = cutoff.minus(Duration.ofDays(14));
    long weeks = Math.max(1, Duration.between(c.start(), c.end()).toDays() / 7);
    long buyerWeeks = 0;
    double[] intent = new double[c.users()];
    boolean[] bought = new boolean[c.users()];
    List<double[]> purchaseRows = new ArrayList<>();
    List<double[]> churnRows = new ArrayList<>();
    for (int u = 0; u < c.users(); u++) {
      intent[u] = generator.user(u).intent();
      List<Event> evs = generator.userEvents(u);
      Set<Long> weeksBought = new HashSet<>();
      double recentScore = 0;
      double recentViews = 0;
      boolean activeBefore = false;
      boolean activeAfter = false;
      boolean buysAfter = false;
      Instant lastBefore = null;
      for (Event e : evs) {
        st.events++;
        if (e.sessionId().isEmpty()) {
          st.eventsWithoutSession++;
        }
        if (e.type() == EventType.PAGE_VIEW
            || e.type() == EventType.PRODUCT_VIEW
            || e.type() == EventType.SEARCH) {
          st.pageEvents++;
          if (e.dwell().isPresent()) {
            st.pageEventsWithDwell++;
          }
        }
        var local = e.occurredAt().atZone(c.zone());
        st.byHour[local.getHour()]++;
        st.byWeekday[local.getDayOfWeek().getValue() - 1]++;
        switch (e.type()) {
          case PURCHASE -> {
            st.purchases++;
            bought[u] = true;
            weeksBought.add(Duration.between(c.start(), e.occurredAt()).toDays() / 7);
          }
          case ADD_TO_CART -> st.cartAdds++;
          case BEGIN_CHECKOUT -> st.checkouts++;
          default -> {}
        }
        if (e.occurredAt().isBefore(cutoff)) {
          activeBefore = true;
          lastBefore = e.occurredAt();
          if (!e.occurredAt().isBefore(recent)) {
            recentViews += e.type() == EventType.PRODUCT_VIEW ? 1 : 0;
            recentScore +=
                switch (e.type()) {
                  case PRODUCT_VIEW -> 0.3;
                  case ADD_TO_CART -> 2;
                  case BEGIN_CHECKOUT -> 2;
                  case PURCHASE -> 1;
                  default -> 0.1;
                };
          }
        } else {
          activeAfter = true;
          buysAfter |= e.type() == EventType.PURCHASE;
        }
      }
      if (!evs.isEmpty()) {
        st.usersWithEvents++;
      }
      if (bought[u]) {
        st.usersWhoBought++;
      }
      buyerWeeks += weeksBought.size();
      purchaseRows.add(new double[] {recentScore, buysAfter ? 1 : 0});
      if (activeBefore) {
        double daysSince = Duration.between(lastBefore, cutoff).toHours() / 24.0;
        churnRows.add(new double[] {daysSince - recentViews * 0.1, activeAfter ? 0 : 1});
      }
    }
    st.weeklyConversion = buyerWeeks / (double) (c.users() * weeks);
    Integer[] order = new Integer[c.users()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(intent[a], intent[b]));
    for (int d = 0; d < 10; d++) {
      int from = d * order.length / 10;
      int to = (d + 1) * order.length / 10;
      int n = 0;
      for (int i = from; i < to; i++) {
        n += bought[order[i]] ? 1 : 0;
      }
      st.purchaseShareByIntentDecile[d] = to > from ? n / (double) (to - from) : 0;
    }
    st.purchaseHeuristicAuc = auc(purchaseRows);
    st.purchaseBaseRate = purchaseRows.stream().mapToDouble(r -> r[1]).average().orElse(0);
    st.churnHeuristicAuc = auc(churnRows);
    st.churnBaseRate = churnRows.stream().mapToDouble(r -> r[1]).average().orElse(0);
    return st;
  }

  /** ROC-AUC (Mann-Whitney, ties counted half) of rows {score, label}. */
  static double auc(List<double[]> rows) {
    double[][] r = rows.toArray(new double[0][]);
    Arrays.sort(r, (a, b) -> Double.compare(a[0], b[0]));
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < r.length) {
      int j = i;
      while (j < r.length && r[j][0] == r[i][0]) {
        j++;
      }
      double midRank = (i + 1 + j) / 2.0;
      for (int k = i; k < j; k++) {
        if (r[k][1] > 0) {
          rankSumPos += midRank;
          pos++;
        }
      }
      i = j;
    }
    long neg = r.length - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / (pos * (double) neg);
  }

  @Override
  public String toString() {
    return String.format(
        "users=%d events=%d (%.1f/user, %d users with events) noSession=%.3f dwellShare=%.3f%n"
            + "purchases=%d cartAdds=%d checkouts=%d buyers=%.3f weeklyConversion=%.4f%n"
            + "buyers by intent decile=%s%n"
            + "purchase heuristic AUC=%.3f base=%.3f; churn heuristic AUC=%.3f base=%.3f%n"
            + "byHour=%s%nbyWeekday=%s",
        users,
        events,
        events / (double) users,
        usersWithEvents,
        eventsWithoutSession / (double) events,
        pageEventsWithDwell / (double) pageEvents,
        purchases,
        cartAdds,
        checkouts,
        usersWhoBought / (double) users,
        weeklyConversion,
        Arrays.toString(
            Arrays.stream(purchaseShareByIntentDecile)
                .map(v -> Math.round(v * 1000) / 1000.0)
                .toArray()),
        purchaseHeuristicAuc,
        purchaseBaseRate,
        churnHeuristicAuc,
        churnBaseRate,
        Arrays.toString(byHour),
        Arrays.toString(byWeekday));
  }

  public static void main(String[] args) {
    int users = Integer.parseInt(args[0]);
    DemoDataGenerator g =
        new DemoDataGenerator(DemoConfig.defaults(users, Instant.parse("2024-03-01T00:00:00Z")));
    long t0 = System.nanoTime();
    long n = g.events().count();
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("generated %d events in %.2fs: %.0f events/s%n", n, secs, n / secs);
    System.out.println(of(g, Duration.ofDays(14)));
  }
}
