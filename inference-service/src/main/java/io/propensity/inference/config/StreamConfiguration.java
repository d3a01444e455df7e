package io.propensity.inference.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Bounds of the live user state kept for StreamPredict ({@code propensity.inference.stream.*}, env
 * {@code PROPENSITY_INFERENCE_STREAM_*}).
 *
 * @param maxUsers most users with live state; the least recently updated go first
 * @param maxStateBytes most estimated bytes of live state
 * @param idleTimeout users without an event for this long are dropped
 * @param seedMaxEvents most stored events a new user's state is seeded from (1 to 10,000, the
 *     newest); a longer history seeds a state without its oldest events (lifetime features low)
 */
@ConfigurationProperties("propensity.inference.stream")
public record StreamConfiguration(
    @Bindable(defaultValue = "50000") int maxUsers,
    @Bindable(defaultValue = "67108864") long maxStateBytes,
    @Bindable(defaultValue = "30m") Duration idleTimeout,
    @Bindable(defaultValue = "10000") int seedMaxEvents) {}
