package io.propensity.feature.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.engine.event.EventType;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignsTest {
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant END = Instant.parse("2026-11-15T00:00:00Z");
  @TempDir Path dir;
  private JdbcEventStore events;
  private Campaigns campaigns;

  @BeforeEach
  void open() {
    events = JdbcEventStore.open("jdbc:sqlite:" + dir.resolve("e.db"), "", "", 2);
    campaigns =
        new Campaigns(
            events.campaigns(), Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC));
  }

  @AfterEach
  void close() {
    events.close();
  }

  private static Campaigns.Request request(
      String name, Instant start, Instant end, List<Campaigns.Member> t, List<Campaigns.Member> c) {
    return new Campaigns.Request(name, "purchase", 2, EventType.PURCHASE, start, end, t, c);
  }

  private static Campaigns.Member m(String user) {
    return new Campaigns.Member(user, 0.5, 1);
  }

  @Test
  void refusesABadCampaignNamingEveryBadField() {
    assertThatThrownBy(
            () ->
                campaigns.record(
                    request(
                        "",
                        END,
                        START,
                        List.of(m("u1"), new Campaigns.Member("u2", 1.5, 0)),
                        List.of(m("u1")))))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.violations())
                    .extracting(FieldError::field)
                    .containsExactly(
                        "name",
                        "window_end",
                        "targeted[1].probability",
                        "targeted[1].rank",
                        "control[0].user_id"));
    assertThat(campaigns.list()).isEmpty();
  }

  @Test
  void aUserInBothGroupsIsNamedWithBothPlaces() {
    assertThatThrownBy(
            () ->
                campaigns.record(
                    request("c", START, END, List.of(m("a"), m("b")), List.of(m("b")))))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.violations().get(0).description())
                    .isEqualTo("'b' is already at targeted[1]: a user is in one group only"));
  }

  @Test
  void aCampaignWithoutControlIsRefused() {
    assertThatThrownBy(() -> campaigns.record(request("c", START, END, List.of(m("a")), List.of())))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.violations())
                    .extracting(FieldError::field)
                    .containsExactly("control"));
  }

  @Test
  void aDuplicateNameIsRefused() {
    campaigns.record(request("c", START, END, List.of(m("a")), List.of(m("b"))));
    assertThatThrownBy(
            () -> campaigns.record(request("c", START, END, List.of(m("a")), List.of(m("b")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already recorded");
  }

  @Test
  void reportOfAnUnknownCampaignIsNotFound() {
    assertThatThrownBy(() -> campaigns.report("nope")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void reportOfAClosedWindowCountsUpToItsEnd() {
    campaigns.record(request("c", START, END, List.of(m("a"), m("b")), List.of(m("x"), m("y"))));
    events.append(
        List.of(
            io.propensity.engine.event.Event.builder(
                    "e1", "a", START.plusSeconds(5), EventType.PURCHASE)
                .build(),
            io.propensity.engine.event.Event.builder(
                    "e2", "b", END.plusSeconds(5), EventType.PURCHASE)
                .build()));
    CampaignReport r = campaigns.report("c");
    assertThat(r.windowClosed()).isTrue();
    assertThat(r.observedUntil()).isEqualTo(END);
    assertThat(r.targeted().converters()).isEqualTo(1);
    assertThat(r.control().converters()).isZero();
    assertThat(r.uplift().uplift()).isEqualTo(0.5);
    assertThat(r.incrementalConversions()).isEqualTo(1.0);
  }
}
