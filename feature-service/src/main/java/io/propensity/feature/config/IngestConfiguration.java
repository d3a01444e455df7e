package io.propensity.feature.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Ingest limits ({@code propensity.ingest.*}, env {@code PROPENSITY_INGEST_*}).
 *
 * @param maxEventsPerRequest most events in one request or one stream message
 */
@ConfigurationProperties("propensity.ingest")
public record IngestConfiguration(@Bindable(defaultValue = "10000") int maxEventsPerRequest) {}
