package io.propensity.inference.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How to reach and follow the model registry ({@code propensity.inference.registry.*}, env {@code
 * PROPENSITY_INFERENCE_REGISTRY_*}).
 *
 * @param target the training-service's gRPC address, {@code host:port}
 * @param pollInterval how often each model's alias is polled, besides the watch stream
 * @param deadline deadline of each unary registry call
 * @param downloadDeadline deadline of one artifact download
 * @param reconnectInitialBackoff first wait before reopening a failed watch stream (doubles each
 *     failure, with ±20% jitter)
 * @param reconnectMaxBackoff longest wait between reopening attempts
 */
@ConfigurationProperties("propensity.inference.registry")
public record RegistryClientConfiguration(
    @Bindable(defaultValue = "127.0.0.1:50052") String target,
    @Bindable(defaultValue = "30s") Duration pollInterval,
    @Bindable(defaultValue = "5s") Duration deadline,
    @Bindable(defaultValue = "60s") Duration downloadDeadline,
    @Bindable(defaultValue = "500ms") Duration reconnectInitialBackoff,
    @Bindable(defaultValue = "30s") Duration reconnectMaxBackoff) {}
