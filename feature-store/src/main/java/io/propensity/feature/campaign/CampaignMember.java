package io.propensity.feature.campaign;

/**
 * One user of a campaign with what the model predicted for them when the campaign was drawn.
 *
 * @param rank position in the model's ranking, 1 = most likely
 */
public record CampaignMember(String userId, CampaignGroup group, double probability, long rank) {}
