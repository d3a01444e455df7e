package io.propensity.engine.labels;

import static io.propensity.engine.event.EventType.ADD_TO_CART;
import static io.propensity.engine.event.EventType.PAGE_VIEW;
import static io.propensity.engine.event.EventType.PRODUCT_VIEW;
import static io.propensity.engine.event.EventType.PURCHASE;
import static io.propensity.engine.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelerTest {

  private static final Instant T = Instant.parse("2024-06-10T00:00:00Z");
  private static final Duration H = Duration.ofDays(7);

  @Test
  void aPurchaseExactlyAtTheHorizonCountsAndOneAtTheCutoffDoesNot() {
    assertThat(Labeler.purchasesWithin(List.of(at(T.plus(H), PURCHASE).build()), T, H)).isTrue();
    assertThat(Labeler.purchasesWithin(List.of(at(T, PURCHASE).build()), T, H)).isFalse();
    assertThat(Labeler.purchasesWithin(List.of(at(T.plus(H).plusNanos(1), PURCHASE).build()), T, H))
        .isFalse();
    assertThat(Labeler.purchasesWithin(List.of(at(T.plusNanos(1), PURCHASE).build()), T, H))
        .isTrue();
  }

  @Test
  void onlyAPurchaseMakesAPurchaseLabel() {
    assertThat(Labeler.purchasesWithin(List.of(at(T.plusSeconds(1), ADD_TO_CART).build()), T, H))
        .isFalse();
  }

  @Test
  void anyEventInTheHorizonMeansNoChurnAndNoneMeansChurn() {
    assertThat(Labeler.silentWithin(List.of(at(T.plus(H), PAGE_VIEW).build()), T, H)).isFalse();
    assertThat(Labeler.silentWithin(List.of(at(T, PAGE_VIEW).build()), T, H)).isTrue();
    assertThat(Labeler.silentWithin(List.of(at(T.plus(H).plusMillis(1), PAGE_VIEW).build()), T, H))
        .isTrue();
  }

  @Test
  void eligibilityNeedsAnEventInTheLookbackOpenAtItsStart() {
    Duration lookback = LabelDefinition.DEFAULT_LOOKBACK;
    assertThat(Labeler.isActive(List.of(at(T.minus(lookback), PAGE_VIEW).build()), T, lookback))
        .isFalse();
    assertThat(
            Labeler.isActive(
                List.of(at(T.minus(lookback).plusMillis(1), PAGE_VIEW).build()), T, lookback))
        .isTrue();
    assertThat(Labeler.isActive(List.of(at(T, PAGE_VIEW).build()), T, lookback)).isTrue();
    assertThat(Labeler.isActive(List.of(at(T.plusMillis(1), PAGE_VIEW).build()), T, lookback))
        .isFalse();
  }

  @Test
  void anIneligibleUserHasNoLabel() {
    List<Event> h =
        List.of(
            at(T.minus(Duration.ofDays(40)), PAGE_VIEW).build(),
            at(T.plusSeconds(5), PURCHASE).build());
    assertThat(Labeler.label(LabelDefinition.purchase(H), h, T)).isEmpty();
    assertThat(Labeler.label(LabelDefinition.churn(H), h, T)).isEmpty();
    // At the purchase itself the user is active again, and nothing follows it.
    assertThat(Labeler.label(LabelDefinition.purchase(H), h, T.plusSeconds(5))).contains(false);
  }

  @Test
  void churnLabelsAnActiveUserWhoGoesSilent() {
    List<Event> h = List.of(at(T.minus(Duration.ofDays(1)), PAGE_VIEW).build());
    assertThat(Labeler.label(LabelDefinition.churn(H), h, T)).contains(true);
    assertThat(Labeler.label(LabelDefinition.purchase(H), h, T)).contains(false);
  }

  @Test
  void sessionCutoffsStopBeforeTheFirstPurchase() {
    List<Event> h =
        List.of(
            at(0, PAGE_VIEW).sessionId("s").build(),
            at(1, PRODUCT_VIEW).sessionId("s").build(),
            at(2, ADD_TO_CART).sessionId("s").build(),
            at(3, PURCHASE).sessionId("s").build(),
            at(4, PAGE_VIEW).sessionId("s").build());
    List<SessionCutoff> cutoffs = Labeler.sessionCutoffs(h, 1);
    assertThat(cutoffs)
        .extracting(SessionCutoff::cutoff)
        .containsExactly(h.get(0).occurredAt(), h.get(1).occurredAt(), h.get(2).occurredAt());
    assertThat(cutoffs)
        .allSatisfy(
            c -> {
              assertThat(c.converts()).isTrue();
              assertThat(c.sessionKey()).isEqualTo("s");
            });
  }

  @Test
  void everyKthEventThinsTheSessionCutoffs() {
    List<Event> h =
        List.of(
            at(0, PAGE_VIEW).build(),
            at(1, PAGE_VIEW).build(),
            at(2, PAGE_VIEW).build(),
            at(3, PAGE_VIEW).build(),
            at(4, PAGE_VIEW).build());
    assertThat(Labeler.sessionCutoffs(h, 2))
        .extracting(SessionCutoff::cutoff)
        .containsExactly(h.get(0).occurredAt(), h.get(2).occurredAt(), h.get(4).occurredAt());
    assertThat(Labeler.sessionCutoffs(h, 2)).noneMatch(SessionCutoff::converts);
  }

  @Test
  void aSessionThatOpensWithAPurchaseOrPurchasesInTheSameInstantGivesNoCutoffThen() {
    Event first = at(0, PAGE_VIEW).build();
    Event sameInstantPurchase = at(first.occurredAt(), PURCHASE).build();
    assertThat(Labeler.sessionCutoffs(List.of(first, sameInstantPurchase), 1)).isEmpty();
    assertThat(Labeler.sessionCutoffs(List.of(at(60, PURCHASE).build()), 1)).isEmpty();
  }

  @Test
  void eachSessionIsLabelledOnItsOwn() {
    List<Event> h =
        List.of(at(0, PAGE_VIEW).build(), at(40, PAGE_VIEW).build(), at(41, PURCHASE).build());
    List<SessionCutoff> cutoffs = Labeler.sessionCutoffs(h, 1);
    assertThat(cutoffs).extracting(SessionCutoff::converts).containsExactly(false, true);
    assertThat(cutoffs)
        .extracting(SessionCutoff::sessionKey)
        .containsExactly("~" + h.get(0).eventId(), "~" + h.get(1).eventId());
  }

  @Test
  void sessionConversionIsNotACutoffLabel() {
    assertThatThrownBy(() -> Labeler.label(LabelDefinition.sessionConversion(), List.of(), T))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void definitionsRefuseNonPositiveParameters() {
    assertThatThrownBy(() -> LabelDefinition.purchase(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LabelDefinition.SessionConversion(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
