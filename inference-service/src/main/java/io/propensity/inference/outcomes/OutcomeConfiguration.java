package io.propensity.inference.outcomes;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The outcome joiner ({@code propensity.inference.outcomes.*}, env {@code
 * PROPENSITY_INFERENCE_OUTCOMES_*}).
 *
 * @param enabled join outcomes at all (needs the served-prediction log and a feature service)
 * @param interval pause between two joins
 * @param lag late events allowed: a prediction is labelled once its horizon plus this lag is over
 * @param batchSize log rows per GetOutcomes call, 1 to 10,000
 * @param metricsDays days of outcomes the Prometheus gauges summarise
 */
@ConfigurationProperties("propensity.inference.outcomes")
public record OutcomeConfiguration(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "5m") Duration interval,
    @Bindable(defaultValue = "1h") Duration lag,
    @Bindable(defaultValue = "1000") int batchSize,
    @Bindable(defaultValue = "7") int metricsDays) {

  public OutcomeConfiguration {
    if (batchSize < 1 || batchSize > OutcomeSource.MAX_QUERIES) {
      throw new IllegalArgumentException(
          "propensity.inference.outcomes.batch-size must be 1 to "
              + OutcomeSource.MAX_QUERIES
              + ", got "
              + batchSize);
    }
    if (interval.isNegative() || interval.isZero() || lag.isNegative()) {
      throw new IllegalArgumentException(
          "propensity.inference.outcomes.interval must be positive and lag 0 or more");
    }
    if (metricsDays < 1) {
      throw new IllegalArgumentException("propensity.inference.outcomes.metrics-days must be ≥ 1");
    }
  }
}
