package io.propensity.feature.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.feature.store.EventStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every campaign store does; one subclass per backend. */
public abstract class CampaignStoreContract {
  protected static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  protected static final Instant END = Instant.parse("2026-11-15T00:00:00Z");

  private EventStore events;
  private CampaignStore campaigns;

  /** An empty event store. */
  protected abstract EventStore openEmpty();

  /** The campaigns kept beside {@code events}. */
  protected abstract CampaignStore campaignsOf(EventStore events);

  /** The same database opened again. */
  protected abstract EventStore reopen();

  @BeforeEach
  void open() {
    events = openEmpty();
    campaigns = campaignsOf(events);
  }

  @AfterEach
  void close() {
    events.close();
  }

  static Campaign campaign(String name, Instant recordedAt, List<CampaignMember> members) {
    return new Campaign(name, "purchase", 3, EventType.PURCHASE, START, END, recordedAt, members);
  }

  static CampaignMember t(String user, double p, long rank) {
    return new CampaignMember(user, CampaignGroup.TARGETED, p, rank);
  }

  static CampaignMember c(String user, double p, long rank) {
    return new CampaignMember(user, CampaignGroup.CONTROL, p, rank);
  }

  static Event event(String id, String user, Instant at, EventType type) {
    return Event.builder(id, user, at, type).build();
  }

  @Test
  void recordedCampaignSurvivesReopenWithItsGroupSizes() {
    assertThat(
            campaigns.record(
                campaign(
                    "black-friday",
                    Instant.parse("2026-11-01T10:00:00Z"),
                    List.of(t("u1", 0.9, 1), t("u2", 0.8, 2), c("u3", 0.85, 3)))))
        .isTrue();
    events.close();
    events = reopen();
    campaigns = campaignsOf(events);
    CampaignSummary s = campaigns.find("black-friday").orElseThrow();
    assertThat(s)
        .isEqualTo(
            new CampaignSummary(
                "black-friday",
                "purchase",
                3,
                EventType.PURCHASE,
                START,
                END,
                Instant.parse("2026-11-01T10:00:00Z"),
                2,
                1));
    assertThat(campaigns.find("other")).isEmpty();
  }

  @Test
  void aSecondCampaignOfTheSameNameIsRefusedAndChangesNothing() {
    campaigns.record(campaign("c", START, List.of(t("u1", 0.5, 1), c("u2", 0.4, 2))));
    assertThat(campaigns.record(campaign("c", END, List.of(t("u9", 0.5, 1), c("u8", 0.4, 2)))))
        .isFalse();
    assertThat(campaigns.list()).hasSize(1);
    assertThat(campaigns.find("c").orElseThrow().recordedAt()).isEqualTo(START);
    assertThat(campaigns.outcome("c", CampaignGroup.TARGETED, END).users()).isEqualTo(1);
  }

  @Test
  void listsNewestFirst() {
    campaigns.record(campaign("old", START, List.of(t("u1", 0.5, 1), c("u2", 0.4, 2))));
    campaigns.record(
        campaign("new", START.plusSeconds(60), List.of(t("u1", 0.5, 1), c("u2", 0.4, 2))));
    assertThat(campaigns.list()).extracting(CampaignSummary::name).containsExactly("new", "old");
  }

  @Test
  void countsEachMemberWithAGoalEventInsideTheWindowOnce() {
    campaigns.record(
        campaign(
            "c",
            START,
            List.of(
                t("in", 0.6, 1),
                t("twice", 0.5, 2),
                t("before", 0.4, 3),
                t("after", 0.3, 4),
                t("wrong-type", 0.2, 5),
                c("ctl-in", 0.55, 6),
                c("ctl-none", 0.45, 7))));
    events.append(
        List.of(
            event("e1", "in", START.plusSeconds(3600), EventType.PURCHASE),
            event("e2", "twice", START.plusSeconds(10), EventType.PURCHASE),
            event("e3", "twice", START.plusSeconds(20), EventType.PURCHASE),
            event("e4", "before", START.minusMillis(1), EventType.PURCHASE),
            event("e5", "after", END, EventType.PURCHASE),
            event("e6", "wrong-type", START.plusSeconds(5), EventType.ADD_TO_CART),
            event("e7", "ctl-in", END.minusMillis(1), EventType.PURCHASE),
            event("e8", "stranger", START.plusSeconds(5), EventType.PURCHASE)));
    GroupOutcome targeted = campaigns.outcome("c", CampaignGroup.TARGETED, END);
    assertThat(targeted.users()).isEqualTo(5);
    assertThat(targeted.converters()).isEqualTo(2);
    assertThat(targeted.predictedMean())
        .isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-9));
    GroupOutcome control = campaigns.outcome("c", CampaignGroup.CONTROL, END);
    assertThat(control.users()).isEqualTo(2);
    assertThat(control.converters()).isEqualTo(1);
  }

  @Test
  void countsOnlyUpToTheGivenInstantWhileTheWindowIsOpen() {
    campaigns.record(campaign("c", START, List.of(t("a", 0.6, 1), t("b", 0.5, 2), c("x", 0.4, 3))));
    events.append(
        List.of(
            event("e1", "a", START.plusSeconds(100), EventType.PURCHASE),
            event("e2", "b", START.plusSeconds(300), EventType.PURCHASE)));
    assertThat(campaigns.outcome("c", CampaignGroup.TARGETED, START.plusSeconds(200)).converters())
        .isEqualTo(1);
    assertThat(campaigns.outcome("c", CampaignGroup.TARGETED, END).converters()).isEqualTo(2);
  }

  @Test
  void anUnknownCampaignHasNoMembers() {
    assertThat(campaigns.outcome("nope", CampaignGroup.CONTROL, END))
        .isEqualTo(new GroupOutcome(0, 0, 0));
    assertThat(campaigns.list()).isEmpty();
  }
}
