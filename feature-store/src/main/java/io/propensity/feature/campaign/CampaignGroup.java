package io.propensity.feature.campaign;

/** Which arm of a campaign a user is in. */
public enum CampaignGroup {
  /** Received the campaign. */
  TARGETED,
  /** Held out at random: the counterfactual for the targeted users. */
  CONTROL
}
