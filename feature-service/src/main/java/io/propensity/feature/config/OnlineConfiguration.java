package io.propensity.feature.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Online feature state ({@code propensity.online.*}, env {@code PROPENSITY_ONLINE_*}).
 *
 * @param backend {@code memory} (in this process, rebuilt from the event store at start) or {@code
 *     redis} (shared between replicas, survives restarts)
 * @param redisUrl Redis to use when the backend is {@code redis}, e.g. {@code
 *     redis://127.0.0.1:6379}
 * @param redisKeyPrefix prefix of every key this service writes in Redis
 * @param maxUsersPerRequest most user ids in one GetOnlineFeatures request
 * @param overviewCacheTtl how long a computed data overview is reused
 */
@ConfigurationProperties("propensity.online")
public record OnlineConfiguration(
    @Bindable(defaultValue = "memory") String backend,
    @Bindable(defaultValue = "redis://127.0.0.1:6379") String redisUrl,
    @Bindable(defaultValue = "propensity:online:") String redisKeyPrefix,
    @Bindable(defaultValue = "1000") int maxUsersPerRequest,
    @Bindable(defaultValue = "30s") Duration overviewCacheTtl) {}
