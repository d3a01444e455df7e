package io.propensity.feature.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Snapshots of the in-memory online state ({@code propensity.online.snapshot.*}, env {@code
 * PROPENSITY_ONLINE_SNAPSHOT_*}); ignored with the Redis backend, whose state persists by itself.
 *
 * @param enabled write snapshots and start from them (else every start rebuilds from all events)
 * @param interval time between two periodic snapshots (one is also written at graceful shutdown)
 * @param file the snapshot file; empty means {@code <data-dir>/feature-service/online-state.snap}
 */
@ConfigurationProperties("propensity.online.snapshot")
public record OnlineSnapshotConfiguration(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "5m") Duration interval,
    @Bindable(defaultValue = "") String file) {}
