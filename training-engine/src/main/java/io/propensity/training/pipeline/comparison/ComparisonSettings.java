package io.propensity.training.pipeline.comparison;

import io.propensity.runtime.metrics.BootstrapSettings;
import java.util.Objects;

/**
 * How a trained model is compared with its baseline and the naive rules on the test rows.
 *
 * @param bootstrap resamples, level and seed of the confidence intervals
 * @param recentPurchaseDays N of the rule "bought in the last N days", 1 to 89; {@value
 *     #AUTO_RECENT_PURCHASE_DAYS} means {@value #DEFAULT_RECENT_PURCHASE_DAYS} unless that fires on
 *     every training row or on none, then the training rows' median purchase recency (see {@link
 *     NaiveRule.BoughtRecently#forTrainingRows})
 */
public record ComparisonSettings(BootstrapSettings bootstrap, int recentPurchaseDays) {

  /** N of "bought in the last N days" when it tells rows apart. */
  public static final int DEFAULT_RECENT_PURCHASE_DAYS = 30;

  /** N chosen from the training rows: {@link #DEFAULT_RECENT_PURCHASE_DAYS} when it tells apart. */
  public static final int AUTO_RECENT_PURCHASE_DAYS = 0;

  public ComparisonSettings {
    Objects.requireNonNull(bootstrap, "bootstrap");
    if (recentPurchaseDays != AUTO_RECENT_PURCHASE_DAYS) {
      new NaiveRule.BoughtRecently(recentPurchaseDays); // validates the range
    }
  }

  /** 1000 resamples, 95% intervals, this seed; N of the recency rule chosen automatically. */
  public static ComparisonSettings defaults(long seed) {
    return new ComparisonSettings(BootstrapSettings.defaults(seed), AUTO_RECENT_PURCHASE_DAYS);
  }
}
