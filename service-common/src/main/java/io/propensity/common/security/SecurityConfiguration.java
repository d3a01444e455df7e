package io.propensity.common.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The one switch between a secured service and a plaintext one ({@code propensity.security.*}).
 *
 * @param insecure true: plaintext gRPC and no authentication (env PROPENSITY_SECURITY_INSECURE);
 *     the service says so in one WARN line at start. Default false: TLS material and an
 *     authentication source are required, or the service refuses to start.
 */
@ConfigurationProperties("propensity.security")
public record SecurityConfiguration(@Bindable(defaultValue = "false") boolean insecure) {}
