package io.propensity.engine.session;

import static io.propensity.engine.event.EventType.ADD_TO_CART;
import static io.propensity.engine.event.EventType.PAGE_VIEW;
import static io.propensity.engine.event.EventType.PRODUCT_VIEW;
import static io.propensity.engine.event.EventType.PURCHASE;
import static io.propensity.engine.testing.Events.T0;
import static io.propensity.engine.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionizerTest {

  private static List<Integer> sizes(List<Session> sessions) {
    return sessions.stream().map(s -> s.events().size()).toList();
  }

  private static List<Optional<Duration>> dwells(Session s) {
    return s.events().stream().map(SessionEvent::dwell).toList();
  }

  @Test
  void aGapJustUnderThirtyMinutesKeepsTheSession() {
    List<Event> events =
        List.of(
            at(0, PAGE_VIEW).build(),
            at(T0.plus(Duration.ofMinutes(30)).minusMillis(1), PAGE_VIEW).build());
    assertThat(sizes(Sessionizer.sessionize(events))).containsExactly(2);
  }

  @Test
  void aGapOfExactlyThirtyMinutesStartsANewSession() {
    List<Event> events = List.of(at(0, PAGE_VIEW).build(), at(30, PAGE_VIEW).build());
    List<Session> sessions = Sessionizer.sessionize(events);
    assertThat(sizes(sessions)).containsExactly(1, 1);
    assertThat(sessions).allSatisfy(s -> assertThat(s.givenId()).isEmpty());
  }

  @Test
  void inputOrderDoesNotMatter() {
    List<Event> events =
        new ArrayList<>(
            List.of(
                at(0, PAGE_VIEW).build(),
                at(5, PRODUCT_VIEW).build(),
                at(50, PAGE_VIEW).build(),
                at(52, PURCHASE).build()));
    List<Session> sorted = Sessionizer.sessionize(events);
    Collections.reverse(events);
    assertThat(Sessionizer.sessionize(events)).isEqualTo(sorted);
    assertThat(sizes(sorted)).containsExactly(2, 2);
  }

  @Test
  void aGivenSessionIdGroupsEventsWhateverTheGap() {
    List<Event> events =
        List.of(
            at(0, PAGE_VIEW).sessionId("s1").build(),
            at(180, PRODUCT_VIEW).sessionId("s1").build());
    List<Session> sessions = Sessionizer.sessionize(events);
    assertThat(sizes(sessions)).containsExactly(2);
    assertThat(sessions.get(0).givenId()).contains("s1");
    assertThat(sessions.get(0).key()).isEqualTo("s1");
  }

  @Test
  void differentGivenIdsSplitEvenWithoutAGapAndMayInterleave() {
    List<Event> events =
        List.of(
            at(0, PAGE_VIEW).sessionId("a").build(),
            at(1, PAGE_VIEW).sessionId("b").build(),
            at(2, PAGE_VIEW).sessionId("a").build());
    List<Session> sessions = Sessionizer.sessionize(events);
    assertThat(sessions).extracting(Session::key).containsExactly("a", "b");
    assertThat(sizes(sessions)).containsExactly(2, 1);
    // a's first event dwells until a's next event, not until b's.
    assertThat(dwells(sessions.get(0)).get(0)).contains(Duration.ofMinutes(2));
  }

  @Test
  void anEventWithoutIdJoinsTheSessionOfTheEventJustBeforeIt() {
    List<Event> events =
        List.of(
            at(0, ADD_TO_CART).sessionId("s1").build(),
            at(3, PURCHASE).build(),
            at(40, PAGE_VIEW).build());
    List<Session> sessions = Sessionizer.sessionize(events);
    assertThat(sizes(sessions)).containsExactly(2, 1);
    assertThat(sessions.get(0).hasPurchase()).isTrue();
    assertThat(sessions.get(1).key()).startsWith("~");
  }

  @Test
  void dwellIsTheGapToTheNextEventAndTheLastEventHasNone() {
    Session s =
        Sessionizer.sessionize(
                List.of(
                    at(0, PAGE_VIEW).build(),
                    at(2.5, PRODUCT_VIEW).build(),
                    at(10, PRODUCT_VIEW).build()))
            .get(0);
    assertThat(dwells(s))
        .containsExactly(
            Optional.of(Duration.ofSeconds(150)),
            Optional.of(Duration.ofSeconds(450)),
            Optional.empty());
  }

  @Test
  void aGivenDwellWinsOverTheGapEvenOnTheLastEvent() {
    Session s =
        Sessionizer.sessionize(
                List.of(
                    at(0, PRODUCT_VIEW).dwell(Duration.ofSeconds(20)).build(),
                    at(5, PRODUCT_VIEW).dwell(Duration.ofSeconds(7)).build()))
            .get(0);
    assertThat(dwells(s))
        .containsExactly(Optional.of(Duration.ofSeconds(20)), Optional.of(Duration.ofSeconds(7)));
  }

  @Test
  void aDerivedDwellIsCappedAtThirtyMinutes() {
    Session s =
        Sessionizer.sessionize(
                List.of(
                    at(0, PRODUCT_VIEW).sessionId("s").build(),
                    at(120, PAGE_VIEW).sessionId("s").build()))
            .get(0);
    assertThat(dwells(s).get(0)).contains(Sessionizer.DWELL_CAP);
  }

  @Test
  void aNegativeGivenDwellCountsAsAbsentAndAnOverlongOneIsCut() {
    assertThat(Sessionizer.givenDwellMillis(Optional.of(Duration.ofSeconds(-1)))).isEqualTo(-1);
    assertThat(Sessionizer.givenDwellMillis(Optional.of(Duration.ofDays(3)))).isEqualTo(86_400_000);
    assertThat(Sessionizer.givenDwellMillis(Optional.empty())).isEqualTo(-1);
  }

  @Test
  void eventsInTheSameMillisecondAreOrderedByIdFingerprintAndStayTogether() {
    Event a = at(0, PAGE_VIEW).eventId("a").build();
    Event b = at(0, PRODUCT_VIEW).eventId("b").build();
    List<Session> one = Sessionizer.sessionize(List.of(a, b));
    List<Session> other = Sessionizer.sessionize(List.of(b, a));
    assertThat(one).isEqualTo(other);
    assertThat(sizes(one)).containsExactly(2);
    assertThat(dwells(one.get(0))).containsExactly(Optional.of(Duration.ZERO), Optional.empty());
  }

  @Test
  void noEventsGiveNoSessions() {
    assertThat(Sessionizer.sessionize(List.of())).isEmpty();
  }
}
