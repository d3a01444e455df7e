package io.propensity.training.pipeline.comparison;

import io.propensity.runtime.metrics.BootstrapSettings;
import java.util.Objects;

/**
 * How a trained model is compared with its baseline and the naive rules on the test rows.
 *
 * @param bootstrap resamples, level and seed of the confidence intervals
 * @param recentPurchaseDays N of the rule "bought in the last N days", 1 to 89
 */
public record ComparisonSettings(BootstrapSettings bootstrap, int recentPurchaseDays) {

  /** N of "bought in the last N days" by default. */
  public static final int DEFAULT_RECENT_PURCHASE_DAYS = 30;

  public ComparisonSettings {
    Objects.requireNonNull(bootstrap, "bootstrap");
    new NaiveRule.BoughtRecently(recentPurchaseDays); // validates the range
  }

  /** 1000 resamples, 95% intervals, this seed; bought in the last 30 days. */
  public static ComparisonSettings defaults(long seed) {
    return new ComparisonSettings(BootstrapSettings.defaults(seed), DEFAULT_RECENT_PURCHASE_DAYS);
  }
}
