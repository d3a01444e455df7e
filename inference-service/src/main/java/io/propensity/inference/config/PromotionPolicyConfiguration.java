package io.propensity.inference.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.propensity.inference.challenge.ComparisonMetric;
import io.propensity.inference.challenge.PromotionSettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The promotion policy ({@code propensity.inference.promotion-policy.*}, env {@code
 * PROPENSITY_INFERENCE_PROMOTION_POLICY_*}); see the README, "Challenger and promotion policy".
 *
 * @param enabled whether this replica runs the policy (off by default)
 * @param models models to decide on; empty means the replica's default model
 * @param interval time between two runs
 * @param window how far back live answers are compared
 * @param minPairedOutcomes fewest paired answers with known outcomes to decide on
 * @param minPositives fewest positive outcomes among them
 * @param metric {@code roc_auc} (DeLong) or {@code pr_auc} (paired bootstrap)
 * @param margin lead the lower bound of the challenger's interval must exceed
 * @param significance 1 − confidence level of the intervals
 * @param bootstrapResamples resamples of the PR-AUC bootstrap
 * @param seed seed of the bootstrap
 * @param challengerAlias the shadow alias compared with production
 * @param previousAlias alias the policy points at the version a promotion replaced
 * @param rejectedAlias alias the policy points at a version it rolled back
 */
@ConfigurationProperties("propensity.inference.promotion-policy")
public record PromotionPolicyConfiguration(
    @Bindable(defaultValue = "false") boolean enabled,
    @Bindable(defaultValue = "") List<String> models,
    @Bindable(defaultValue = "1h") Duration interval,
    @Bindable(defaultValue = "7d") Duration window,
    @Bindable(defaultValue = "500") int minPairedOutcomes,
    @Bindable(defaultValue = "50") int minPositives,
    @Bindable(defaultValue = "roc_auc") String metric,
    @Bindable(defaultValue = "0.0") double margin,
    @Bindable(defaultValue = "0.05") double significance,
    @Bindable(defaultValue = "1000") int bootstrapResamples,
    @Bindable(defaultValue = "1") long seed,
    @Bindable(defaultValue = "challenger") String challengerAlias,
    @Bindable(defaultValue = "previous") String previousAlias,
    @Bindable(defaultValue = "rejected") String rejectedAlias) {

  /** The rule, for the alias {@code productionAlias} the replica serves. */
  public PromotionSettings settings(String productionAlias) {
    ComparisonMetric m;
    try {
      m = ComparisonMetric.valueOf(metric.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "propensity.inference.promotion-policy.metric is '"
              + metric
              + "'; expected roc_auc or pr_auc");
    }
    return new PromotionSettings(
        productionAlias,
        challengerAlias,
        previousAlias,
        rejectedAlias,
        window,
        minPairedOutcomes,
        minPositives,
        m,
        margin,
        significance,
        bootstrapResamples,
        seed);
  }
}
