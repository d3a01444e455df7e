package io.propensity.common.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Bearer JWTs accepted by a service ({@code propensity.security.auth.jwt.*}): signed by one of the
 * configured keys, not expired, not before their {@code nbf}, and from the configured issuer for
 * the configured audience when those are set. The principal is the {@code sub} claim, the scopes
 * the space-separated {@code scope} claim or the {@code scp} array.
 *
 * @param publicKeyFiles PEM public keys (RSA or EC, {@code BEGIN PUBLIC KEY}), comma-separated
 * @param issuer required {@code iss}, if set
 * @param audience required member of {@code aud}, if set
 */
@ConfigurationProperties("propensity.security.auth.jwt")
public record JwtConfiguration(
    @Nullable List<String> publicKeyFiles, @Nullable String issuer, @Nullable String audience) {

  /** The key files, without blanks. */
  public List<Path> publicKeyPaths() {
    return publicKeyFiles == null
        ? List.of()
        : publicKeyFiles.stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(Path::of)
            .toList();
  }

  /** The required issuer, if configured. */
  public Optional<String> requiredIssuer() {
    return issuer == null || issuer.isBlank() ? Optional.empty() : Optional.of(issuer.trim());
  }

  /** The required audience, if configured. */
  public Optional<String> requiredAudience() {
    return audience == null || audience.isBlank() ? Optional.empty() : Optional.of(audience.trim());
  }
}
