package io.propensity.feature.campaign;

/**
 * What happened to one group of a campaign inside its window.
 *
 * @param users members of the group
 * @param converters members with at least one goal event inside the window
 * @param predictedMean mean predicted probability of the members when the campaign was drawn
 */
public record GroupOutcome(long users, long converters, double predictedMean) {
  /** Observed conversion rate, 0 for an empty group. */
  public double conversionRate() {
    return users == 0 ? 0 : (double) converters / users;
  }
}
