package io.propensity.feature.campaign;

import java.time.Instant;

/**
 * Conversion of targeted against control users of one campaign, observed so far.
 *
 * @param observedUntil conversions up to this instant are counted: the window end, or now while the
 *     window is open
 * @param windowClosed the window has ended: the figures no longer change except for late events
 * @param uplift targeted against control, with intervals and a p-value
 * @param incrementalConversions uplift times the targeted users: conversions the campaign caused
 */
public record CampaignReport(
    CampaignSummary campaign,
    GroupOutcome targeted,
    GroupOutcome control,
    Instant observedUntil,
    boolean windowClosed,
    UpliftStatistics.Uplift uplift,
    double incrementalConversions) {}
