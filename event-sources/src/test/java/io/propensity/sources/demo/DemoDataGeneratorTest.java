package io.propensity.sources.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.FieldViolation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoDataGeneratorTest {

  private static final Instant END = Instant.parse("2024-03-01T00:00:00Z");

  /**
   * 2,000 users over 60 days: the statistics below are measured on it. Measured at the time of
   * writing: ~34.5 events per user, ~3.4 % weekly buyers, ~20 % of events without session id,
   * heuristic purchase AUC ~0.83 (base rate ~6 %), churn AUC ~0.77.
   */
  private final DemoDataGenerator generator = new DemoDataGenerator(DemoConfig.defaults(2000, END));

  private DemoStatistics stats;

  @BeforeAll
  void measure() {
    stats = DemoStatistics.of(generator, Duration.ofDays(14));
  }

  @Test
  void producesAboutThirtyFiveEventsPerUserOverSixtyDays() {
    assertThat(stats.events).isBetween(40_000L, 120_000L);
    assertThat(stats.usersWithEvents).isGreaterThan(1_500L);
  }

  @Test
  void aFewPercentOfUsersBuyInAWeek() {
    assertThat(stats.weeklyConversion).isBetween(0.015, 0.06);
    assertThat(stats.usersWhoBought / (double) stats.users).isBetween(0.08, 0.30);
  }

  @Test
  void baseConversionTunesHowManyBuy() {
    DemoConfig d = DemoConfig.defaults(1000, END);
    double[] weekly = new double[2];
    double[] settings = {0.015, 0.06};
    for (int i = 0; i < 2; i++) {
      DemoConfig c =
          new DemoConfig(
              d.seed(),
              d.users(),
              d.start(),
              d.end(),
              d.zone(),
              d.catalogueSize(),
              d.categories(),
              d.sessionsPerWeek(),
              settings[i],
              d.churnShare(),
              d.newUserShare(),
              d.sessionIdShare(),
              d.dwellShare());
      weekly[i] = DemoStatistics.of(new DemoDataGenerator(c), Duration.ofDays(14)).weeklyConversion;
    }
    assertThat(weekly[0]).isBetween(0.008, 0.03);
    assertThat(weekly[1]).isBetween(0.04, 0.09);
  }

  @Test
  void mostCartsAreAbandoned() {
    assertThat(stats.checkouts).isLessThan(stats.cartAdds * 6 / 10);
  }

  @Test
  void aboutAFifthOfEventsLackASessionIdAndMostPageViewsHaveDwell() {
    assertThat(stats.eventsWithoutSession / (double) stats.events).isBetween(0.12, 0.28);
    assertThat(stats.pageEventsWithDwell / (double) stats.pageEvents).isBetween(0.55, 0.65);
  }

  @Test
  void nightsAreQuietEveningsPeakAndWeekendsAreBusier() {
    long night = stats.byHour[2] + stats.byHour[3] + stats.byHour[4];
    long evening = stats.byHour[19] + stats.byHour[20] + stats.byHour[21];
    assertThat(evening).isGreaterThan(8 * night);
    long weekdayMean =
        (stats.byWeekday[0]
                + stats.byWeekday[1]
                + stats.byWeekday[2]
                + stats.byWeekday[3]
                + stats.byWeekday[4])
            / 5;
    assertThat(stats.byWeekday[5]).isGreaterThan(weekdayMean);
    assertThat(stats.byWeekday[6]).isGreaterThan(weekdayMean);
  }

  @Test
  void hiddenIntentDrivesPurchases() {
    double[] byDecile = stats.purchaseShareByIntentDecile;
    assertThat(byDecile[9]).isGreaterThan(0.4);
    assertThat(byDecile[9]).isGreaterThan(10 * Math.max(byDecile[0], 0.005));
  }

  @Test
  void recentEngagementPredictsPurchasesAndChurnButNotTrivially() {
    // a one-line heuristic on the last 14 days; a gradient-boosted model should do better
    assertThat(stats.purchaseHeuristicAuc).isBetween(0.72, 0.92);
    assertThat(stats.purchaseBaseRate).isBetween(0.02, 0.15);
    assertThat(stats.churnHeuristicAuc).isBetween(0.65, 0.92);
    assertThat(stats.churnBaseRate).isBetween(0.15, 0.6);
  }

  @Test
  void everyEventPassesTheValidator() {
    EventValidator validator = new EventValidator(Clock.fixed(END, ZoneOffset.UTC));
    List<List<FieldViolation>> invalid =
        generator
            .events()
            .map(validator::validate)
            .filter(v -> !v.isEmpty())
            .limit(5)
            .collect(Collectors.toList());
    assertThat(invalid).isEmpty();
  }

  @Test
  void twoRunsWithTheSameConfigAreIdentical() {
    DemoDataGenerator again = new DemoDataGenerator(DemoConfig.defaults(2000, END));
    assertThat(again.events().iterator())
        .toIterable()
        .containsExactlyElementsOf(generator.events().collect(Collectors.toList()));
  }

  @Test
  void usersGeneratedInParallelEqualUsersGeneratedInOrder() {
    List<List<Event>> parallel =
        IntStream.range(0, 400)
            .parallel()
            .mapToObj(generator::userEvents)
            .collect(Collectors.toList());
    List<List<Event>> sequential =
        IntStream.range(0, 400)
            .mapToObj(new DemoDataGenerator(generator.config())::userEvents)
            .collect(Collectors.toList());
    assertThat(parallel).isEqualTo(sequential);
    assertThat(generator.events(100, 200).collect(Collectors.toList()))
        .isEqualTo(
            sequential.subList(100, 200).stream()
                .flatMap(List::stream)
                .collect(Collectors.toList()));
  }

  @Test
  void anotherSeedGivesOtherData() {
    DemoDataGenerator other = new DemoDataGenerator(generator.config().withSeed(7));
    assertThat(other.userEvents(0)).isNotEqualTo(generator.userEvents(0));
  }

  @Test
  void eachUsersEventsAreInTimeOrderInsideTheWindowWithUniqueIds() {
    Set<String> ids = new HashSet<>();
    for (int u = 0; u < 300; u++) {
      List<Event> events = generator.userEvents(u);
      for (int i = 0; i < events.size(); i++) {
        Event e = events.get(i);
        assertThat(ids.add(e.eventId())).as("unique id %s", e.eventId()).isTrue();
        assertThat(e.userId()).isEqualTo("u" + u);
        assertThat(e.eventId()).isEqualTo("u" + u + "-e" + (i + 1));
        assertThat(e.occurredAt()).isAfterOrEqualTo(generator.user(u).firstSeen()).isBefore(END);
        if (i > 0) {
          assertThat(e.occurredAt()).isAfter(events.get(i - 1).occurredAt());
        }
      }
    }
  }

  @Test
  void visitsAreHalfAnHourApartSoInactivitySessionizationFindsThem() {
    for (int u = 0; u < 300; u++) {
      List<Event> events = generator.userEvents(u);
      for (int i = 1; i < events.size(); i++) {
        Event a = events.get(i - 1);
        Event b = events.get(i);
        boolean newVisit =
            a.sessionId().isPresent()
                && b.sessionId().isPresent()
                && !a.sessionId().equals(b.sessionId());
        if (newVisit) {
          assertThat(Duration.between(a.occurredAt(), b.occurredAt()))
              .isGreaterThanOrEqualTo(Duration.ofMinutes(30));
        }
      }
    }
  }

  @Test
  void purchasesCarryItemPriceQuantityAndOrder() {
    List<Event> purchases =
        generator
            .events(0, 500)
            .filter(e -> e.type() == EventType.PURCHASE)
            .collect(Collectors.toList());
    assertThat(purchases)
        .isNotEmpty()
        .allSatisfy(
            p -> {
              assertThat(p.itemId()).isPresent();
              assertThat(p.price()).isPresent();
              assertThat(p.price().getAsDouble()).isPositive();
              assertThat(p.quantity()).isPositive();
              assertThat(p.category()).isPresent();
              assertThat(p.attributes()).containsKey("order_id");
              assertThat(p.page()).contains("/checkout/complete");
            });
  }

  @Test
  void pagesDevicesAndSourcesLookLikeAShop() {
    List<Event> events = generator.events(0, 300).collect(Collectors.toList());
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.page())
                  .hasValueSatisfying(
                      p ->
                          assertThat(p)
                              .matches(
                                  "/|/search|/cart|/checkout|/checkout/complete|/category/[a-z_0-9]+|/product/\\d+"));
              assertThat(e.device())
                  .hasValueSatisfying(
                      d -> assertThat(d).isIn("desktop", "mobile", "tablet", "app"));
              assertThat(e.trafficSource())
                  .hasValueSatisfying(
                      s ->
                          assertThat(s)
                              .isIn(
                                  "direct",
                                  "organic_search",
                                  "paid_search",
                                  "email",
                                  "social",
                                  "referral"));
            });
    Map<String, Long> byDevice =
        events.stream()
            .collect(Collectors.groupingBy(e -> e.device().orElseThrow(), Collectors.counting()));
    assertThat(byDevice).containsKeys("desktop", "mobile", "tablet", "app");
  }

  @Test
  void someUsersChurnAndGoQuiet() {
    long churners =
        IntStream.range(0, 2000)
            .mapToObj(generator::user)
            .filter(u -> u.churnsAt().isPresent())
            .count();
    assertThat(churners).isBetween(300L, 700L);
    for (int u = 0; u < 300; u++) {
      DemoUser user = generator.user(u);
      user.churnsAt()
          .ifPresent(
              c ->
                  assertThat(generator.userEvents(user.index()))
                      .allSatisfy(
                          e -> assertThat(e.occurredAt()).isBefore(c.plus(Duration.ofHours(3)))));
    }
  }

  @Test
  void sortingByTimeIsOnlyForSmallConfigs() {
    DemoDataGenerator small = new DemoDataGenerator(DemoConfig.defaults(50, END));
    List<Event> sorted = small.eventsSortedByTime();
    assertThat(sorted).hasSize((int) small.events().count());
    assertThat(sorted).isSortedAccordingTo((a, b) -> a.occurredAt().compareTo(b.occurredAt()));
    DemoDataGenerator big =
        new DemoDataGenerator(DemoConfig.defaults(DemoDataGenerator.MAX_USERS_SORTED + 1, END));
    assertThatThrownBy(big::eventsSortedByTime)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stream events()");
  }

  @Test
  void badConfigsAreRefused() {
    assertThatThrownBy(() -> DemoConfig.defaults(-1, END))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DemoConfig.defaults(10, END).withWindow(END, END))
        .hasMessageContaining("before");
    assertThatThrownBy(() -> generator.userEvents(2000))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
