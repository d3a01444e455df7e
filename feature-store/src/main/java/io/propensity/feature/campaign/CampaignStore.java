package io.propensity.feature.campaign;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage of campaigns beside the events whose outcomes they are measured on, so a report
 * counts conversions where they are stored.
 */
public interface CampaignStore {

  /**
   * Stores {@code campaign} with its members in one transaction.
   *
   * @return false, storing nothing, when a campaign of that name is already stored
   */
  boolean record(Campaign campaign);

  /** Every stored campaign, newest recorded first. */
  List<CampaignSummary> list();

  /** The stored campaign of that name, without members. */
  Optional<CampaignSummary> find(String name);

  /**
   * The outcome of one group of a stored campaign: its members, and how many of them have a goal
   * event that occurred in [window start, min(window end, {@code upTo})), counted by event time so
   * late-arriving events count.
   */
  GroupOutcome outcome(String name, CampaignGroup group, Instant upTo);
}
