package io.propensity.inference.drift;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Drift monitoring ({@code propensity.inference.drift.*}, env {@code
 * PROPENSITY_INFERENCE_DRIFT_*}).
 *
 * @param enabled run the periodic job that computes drift of every served version and publishes it
 *     as Prometheus gauges (GetDrift answers either way)
 * @param interval how often the job runs
 * @param window how far back served predictions are read, for the job and by default for GetDrift
 * @param minRows fewer rows with feature values in the window than this are "too few rows"
 * @param maxRows most logged predictions read per version and window (the newest are left out
 *     beyond it)
 * @param reportMaxBytes largest training report downloaded to read a version's reference from
 */
@ConfigurationProperties("propensity.inference.drift")
public record DriftConfiguration(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "5m") Duration interval,
    @Bindable(defaultValue = "24h") Duration window,
    @Bindable(defaultValue = "500") long minRows,
    @Bindable(defaultValue = "200000") long maxRows,
    @Bindable(defaultValue = "67108864") long reportMaxBytes) {

  public DriftConfiguration {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("propensity.inference.drift.interval must be positive");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("propensity.inference.drift.window must be positive");
    }
    if (minRows < 1 || maxRows < minRows) {
      throw new IllegalArgumentException(
          "propensity.inference.drift.min-rows must be at least 1 and max-rows at least min-rows");
    }
  }
}
