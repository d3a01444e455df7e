package io.propensity.common.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where callers' credentials are checked ({@code propensity.security.auth.*}); with TLS on, at
 * least this file or JWT keys ({@link JwtConfiguration}) must be configured.
 *
 * @param principalsFile text file of {@code <kind> <name> <scopes> <credential>} lines (env
 *     PROPENSITY_SECURITY_AUTH_PRINCIPALS_FILE): {@code token} principals with the SHA-256 of their
 *     bearer token, {@code cert} principals with the CN of their client certificate; re-read when
 *     it changes
 */
@ConfigurationProperties("propensity.security.auth")
public record AuthConfiguration(@Nullable String principalsFile) {
  /** The principals file, if configured. */
  public Optional<Path> principalsPath() {
    return principalsFile == null || principalsFile.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(principalsFile.trim()));
  }
}
