package io.propensity.inference.challenge;

import java.time.Duration;
import java.util.Objects;

/**
 * The promotion policy's rule.
 *
 * @param productionAlias alias that answers, e.g. {@code production}
 * @param challengerAlias alias scored in the shadow of production, e.g. {@code challenger}
 * @param previousAlias alias the policy points at the version a promotion replaced (which shadow
 *     scoring then keeps scoring, for the rollback check), e.g. {@code previous}
 * @param rejectedAlias alias the policy points at a version it rolled back, which it then never
 *     promotes again, e.g. {@code rejected}
 * @param window how far back live answers are compared
 * @param minPairs fewest paired answers with known outcomes to decide on
 * @param minPositives fewest positive outcomes among them
 * @param metric the metric decided on
 * @param margin the challenger is promoted only when the lower bound of its lead exceeds this
 * @param significance 1 − the confidence level of every interval, e.g. 0.05
 * @param resamples bootstrap resamples (PR-AUC)
 * @param seed bootstrap seed
 */
public record PromotionSettings(
    String productionAlias,
    String challengerAlias,
    String previousAlias,
    String rejectedAlias,
    Duration window,
    int minPairs,
    int minPositives,
    ComparisonMetric metric,
    double margin,
    double significance,
    int resamples,
    long seed) {
  public PromotionSettings {
    Objects.requireNonNull(productionAlias, "productionAlias");
    Objects.requireNonNull(challengerAlias, "challengerAlias");
    Objects.requireNonNull(previousAlias, "previousAlias");
    Objects.requireNonNull(rejectedAlias, "rejectedAlias");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(metric, "metric");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window is " + window + "; expected > 0");
    }
    if (minPairs < 2 || minPositives < 1) {
      throw new IllegalArgumentException(
          "min-paired-outcomes is "
              + minPairs
              + " and min-positives "
              + minPositives
              + "; expected >= 2 and >= 1");
    }
    if (!(significance > 0 && significance < 1)) {
      throw new IllegalArgumentException(
          "significance is " + significance + "; expected a value in (0, 1)");
    }
  }

  /** Comparison settings at this rule's level. */
  ComparisonSettings comparison() {
    return new ComparisonSettings(1 - significance, resamples, seed);
  }
}
