package io.propensity.inference.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How to reach the feature service for by-user scoring and ranking ({@code
 * propensity.inference.feature-service.*}, env {@code PROPENSITY_INFERENCE_FEATURE_SERVICE_*}).
 *
 * @param target the feature-service's gRPC address, {@code host:port}
 * @param deadline deadline of each GetOnlineFeatures call (a caller's shorter deadline wins)
 * @param retryAfter retry hint (google.rpc.RetryInfo) sent when the feature service is unavailable
 * @param maxUsersPerCall most user ids per GetOnlineFeatures call (the feature service's limit),
 *     and users per ListUsers page when ranking every user
 * @param enabled false when there is no feature service: by-user scoring and ranking then use this
 *     replica's live StreamPredict state, and stream state starts empty
 * @param readDeadline deadline of each GetUserHistory and ListUsers call (larger answers than
 *     GetOnlineFeatures)
 */
@ConfigurationProperties("propensity.inference.feature-service")
public record FeatureServiceConfiguration(
    @Bindable(defaultValue = "127.0.0.1:50051") String target,
    @Bindable(defaultValue = "300ms") Duration deadline,
    @Bindable(defaultValue = "1s") Duration retryAfter,
    @Bindable(defaultValue = "1000") int maxUsersPerCall,
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "2s") Duration readDeadline) {}
