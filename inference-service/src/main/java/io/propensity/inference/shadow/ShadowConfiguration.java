package io.propensity.inference.shadow;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.HashSet;
import java.util.List;

/**
 * Shadow scoring ({@code propensity.inference.shadow.*}, env {@code
 * PROPENSITY_INFERENCE_SHADOW_*}): other versions of each model, the ones under {@code aliases},
 * score the answers production gave, off the request's thread, and their answers go to the
 * served-prediction log only.
 *
 * @param enabled follow the shadow alias and score beside production at all (needs the
 *     served-prediction log)
 * @param aliases registry aliases of the shadow versions, e.g. {@code challenger} (the promotion
 *     policy also compares production with {@code previous} to roll back); none may be the
 *     production alias
 * @param sampleRate share of the requests recorded in the served-prediction log that the shadow
 *     also scores, 0 to 1
 * @param queueCapacity requests waiting for the shadow's threads at most; more are dropped and
 *     counted ({@code propensity_shadow_dropped_total{reason="queue_full"}})
 * @param threads threads scoring the shadow version; they sleep for {@code
 *     propensity.inference.shadow.drain-interval} (default 10 ms, env {@code
 *     PROPENSITY_INFERENCE_SHADOW_DRAIN_INTERVAL}) between drains of the queue, see {@link
 *     ShadowScorer}
 */
@ConfigurationProperties("propensity.inference.shadow")
public record ShadowConfiguration(
    @Bindable(defaultValue = "false") boolean enabled,
    @Bindable(defaultValue = "challenger") List<String> aliases,
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
    if (aliases == null || aliases.isEmpty() || aliases.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "propensity.inference.shadow.aliases must name at least one alias, none empty");
    }
    if (new HashSet<>(aliases).size() != aliases.size()) {
      throw new IllegalArgumentException(
          "propensity.inference.shadow.aliases names an alias twice: " + aliases);
    }
    aliases = List.copyOf(aliases);
  }
}
