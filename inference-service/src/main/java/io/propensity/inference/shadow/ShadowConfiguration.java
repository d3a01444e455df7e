package io.propensity.inference.shadow;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Shadow scoring ({@code propensity.inference.shadow.*}, env {@code
 * PROPENSITY_INFERENCE_SHADOW_*}): a second version of each model, the one under {@code alias},
 * scores the answers production gave, off the request's thread, and its answers go to the
 * served-prediction log only.
 *
 * @param enabled follow the shadow alias and score beside production at all (needs the
 *     served-prediction log)
 * @param alias registry alias of the shadow version, e.g. {@code challenger}; must differ from the
 *     production alias
 * @param sampleRate share of the requests recorded in the served-prediction log that the shadow
 *     also scores, 0 to 1
 * @param queueCapacity requests waiting for the shadow's threads at most; more are dropped and
 *     counted ({@code propensity_shadow_dropped_total{reason="queue_full"}})
 * @param threads threads scoring the shadow version
 */
@ConfigurationProperties("propensity.inference.shadow")
public record ShadowConfiguration(
    @Bindable(defaultValue = "false") boolean enabled,
    @Bindable(defaultValue = "challenger") String alias,
    @Bindable(defaultValue = "1.0") double sampleRate,
    @Bindable(defaultValue = "10000") int queueCapacity,
    @Bindable(defaultValue = "1") int threads) {

  public ShadowConfiguration {
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException(
          "propensity.inference.shadow.sample-rate must be 0 to 1, got " + sampleRate);
    }
    if (queueCapacity < 1 || threads < 1) {
      throw new IllegalArgumentException(
          "propensity.inference.shadow.queue-capacity and threads must be at least 1");
    }
    if (alias == null || alias.isBlank()) {
      throw new IllegalArgumentException("propensity.inference.shadow.alias must not be empty");
    }
  }
}
