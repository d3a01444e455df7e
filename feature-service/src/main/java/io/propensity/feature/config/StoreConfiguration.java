package io.propensity.feature.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where events are stored ({@code propensity.store.*}, env {@code PROPENSITY_STORE_*}).
 *
 * @param jdbcUrl {@code jdbc:sqlite:<file>} (embedded default, under the data directory) or {@code
 *     jdbc:postgresql://host:port/db}
 * @param user database user (PostgreSQL)
 * @param password database password (PostgreSQL)
 * @param poolSize most open connections
 */
@ConfigurationProperties("propensity.store")
public record StoreConfiguration(
    String jdbcUrl,
    @Bindable(defaultValue = "") String user,
    @Bindable(defaultValue = "") String password,
    @Bindable(defaultValue = "8") int poolSize) {}
