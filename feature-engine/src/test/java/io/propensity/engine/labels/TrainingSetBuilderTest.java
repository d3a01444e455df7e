package io.propensity.engine.labels;

import static io.propensity.engine.event.EventType.ADD_TO_CART;
import static io.propensity.engine.event.EventType.PAGE_VIEW;
import static io.propensity.engine.event.EventType.PRODUCT_VIEW;
import static io.propensity.engine.event.EventType.PURCHASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.features.BatchFeatureComputer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainingSetBuilderTest {

  private static final Instant D1 = Instant.parse("2024-06-01T00:00:00Z");
  private static final Duration DAY = Duration.ofDays(1);

  private static Event e(String id, Instant t, EventType type) {
    return Event.builder(id, "u1", t, type).build();
  }

  /** Visits on day 1 and day 3 (purchase at day 3 noon), then silence. */
  private static List<Event> history() {
    return List.of(
        e("a", D1.plusSeconds(3600), PAGE_VIEW),
        e("b", D1.plus(DAY.multipliedBy(2)).plusSeconds(3600), PRODUCT_VIEW),
        e("c", D1.plus(DAY.multipliedBy(2)).plus(Duration.ofHours(12)), PURCHASE));
  }

  @Test
  void rollingCutoffsIncludeBothEnds() {
    assertThat(Cutoffs.rolling(D1, D1.plus(DAY.multipliedBy(2)), DAY))
        .containsExactly(D1, D1.plus(DAY), D1.plus(DAY.multipliedBy(2)));
    assertThat(Cutoffs.rolling(D1, D1.minusSeconds(1), DAY)).isEmpty();
  }

  @Test
  void purchaseRowsStartOnceTheUserIsActiveAndLabelTheHorizon() {
    List<Instant> cutoffs = Cutoffs.rolling(D1, D1.plus(DAY.multipliedBy(4)), DAY);
    List<TrainingRow> rows =
        new TrainingSetBuilder(LabelDefinition.purchase(Duration.ofDays(2)))
            .build(history(), cutoffs);
    // D1 00:00 has no event yet; D1+1d..D1+4d are within 30 days of an event.
    assertThat(rows)
        .extracting(TrainingRow::cutoff)
        .containsExactly(
            D1.plus(DAY),
            D1.plus(DAY.multipliedBy(2)),
            D1.plus(DAY.multipliedBy(3)),
            D1.plus(DAY.multipliedBy(4)));
    assertThat(rows).extracting(TrainingRow::label).containsExactly(true, true, false, false);
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.userId()).isEqualTo("u1");
              assertThat(r.sessionId()).isEmpty();
              assertThat(r.features())
                  .isEqualTo(BatchFeatureComputer.compute(history(), r.cutoff()));
            });
  }

  @Test
  void churnRowsAreTrueOnlyWhenTheHorizonIsSilent() {
    List<Instant> cutoffs = List.of(D1.plus(DAY), D1.plus(DAY.multipliedBy(3)));
    List<TrainingRow> rows =
        new TrainingSetBuilder(LabelDefinition.churn(Duration.ofDays(7))).build(history(), cutoffs);
    assertThat(rows).extracting(TrainingRow::label).containsExactly(false, true);
  }

  @Test
  void anEventExactlyAtTheCutoffGoesIntoTheFeaturesNotTheLabel() {
    Instant purchaseTime = history().get(2).occurredAt();
    List<TrainingRow> rows =
        new TrainingSetBuilder(LabelDefinition.purchase(Duration.ofDays(1)))
            .build(history(), List.of(purchaseTime, purchaseTime.minusNanos(1)));
    assertThat(rows).extracting(TrainingRow::label).containsExactly(true, false);
    assertThat(rows.get(0).features().value("purchases_lifetime")).isZero();
    assertThat(rows.get(1).features().value("purchases_lifetime")).isEqualTo(1);
  }

  @Test
  void sessionConversionRowsFollowEachEventBeforeThePurchaseWithinTheTrainingPeriod() {
    Instant s = D1.plus(Duration.ofHours(10));
    List<Event> h =
        List.of(
            Event.builder("v1", "u1", s, PRODUCT_VIEW).sessionId("web-1").build(),
            Event.builder("v2", "u1", s.plusSeconds(60), ADD_TO_CART).sessionId("web-1").build(),
            Event.builder("v3", "u1", s.plusSeconds(120), PURCHASE).sessionId("web-1").build(),
            Event.builder("w1", "u1", s.plus(DAY), PAGE_VIEW).build(),
            Event.builder("w2", "u1", s.plus(DAY).plusSeconds(30), PRODUCT_VIEW).build(),
            Event.builder("x1", "u1", s.plus(DAY.multipliedBy(9)), PAGE_VIEW).build());
    List<TrainingRow> rows =
        new TrainingSetBuilder(LabelDefinition.sessionConversion())
            .build(h, List.of(D1, D1.plus(DAY.multipliedBy(5))));
    assertThat(rows)
        .extracting(TrainingRow::cutoff)
        .containsExactly(s, s.plusSeconds(60), s.plus(DAY), s.plus(DAY).plusSeconds(30));
    assertThat(rows).extracting(TrainingRow::label).containsExactly(true, true, false, false);
    assertThat(rows)
        .extracting(TrainingRow::sessionId)
        .containsExactly(
            Optional.of("web-1"), Optional.of("web-1"), Optional.of("~w1"), Optional.of("~w1"));
    TrainingRow second = rows.get(1);
    assertThat(second.features().value("session_active")).isEqualTo(1);
    assertThat(second.features().value("session_cart_adds")).isEqualTo(1);
    assertThat(second.features().value("purchases_lifetime")).isZero();
  }

  @Test
  void duplicateEventIdsCountOnce() {
    List<Event> h = List.of(e("a", D1, PURCHASE), e("a", D1, PURCHASE));
    List<TrainingRow> rows =
        new TrainingSetBuilder(LabelDefinition.churn(DAY)).build(h, List.of(D1));
    assertThat(rows.get(0).features().value("purchases_lifetime")).isEqualTo(1);
  }

  @Test
  void anEmptyHistoryGivesNoRowAndMixedUsersAreRefused() {
    TrainingSetBuilder b = new TrainingSetBuilder(LabelDefinition.purchase(DAY));
    assertThat(b.build(List.of(), List.of(D1))).isEmpty();
    List<Event> mixed =
        List.of(e("a", D1, PAGE_VIEW), Event.builder("b", "u2", D1, PAGE_VIEW).build());
    assertThatThrownBy(() -> b.build(mixed, List.of(D1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
