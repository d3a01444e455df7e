package io.propensity.feature.campaign;

import io.propensity.engine.event.EventType;
import java.time.Instant;
import java.util.List;

/**
 * A recorded campaign: who was targeted, who was held out, what the model predicted for each, and
 * the window and event that count as a conversion.
 *
 * @param name unique name, the campaign's id
 * @param goal the event type that counts as a conversion
 * @param windowStart conversions at or after this instant count
 * @param windowEnd conversions before this instant count
 * @param recordedAt when the campaign was recorded
 */
public record Campaign(
    String name,
    String modelName,
    long modelVersion,
    EventType goal,
    Instant windowStart,
    Instant windowEnd,
    Instant recordedAt,
    List<CampaignMember> members) {
  public Campaign {
    members = List.copyOf(members);
  }

  /** The campaign without its members. */
  public CampaignSummary summary() {
    long targeted = members.stream().filter(m -> m.group() == CampaignGroup.TARGETED).count();
    return new CampaignSummary(
        name,
        modelName,
        modelVersion,
        goal,
        windowStart,
        windowEnd,
        recordedAt,
        targeted,
        members.size() - targeted);
  }
}
