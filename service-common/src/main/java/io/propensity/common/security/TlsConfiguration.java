package io.propensity.common.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The PEM files of a service's TLS identity and trust ({@code propensity.security.tls.*}).
 *
 * @param certFile PEM certificate chain, leaf first (env PROPENSITY_SECURITY_TLS_CERT_FILE)
 * @param keyFile PEM PKCS#8 private key of the leaf (env PROPENSITY_SECURITY_TLS_KEY_FILE)
 * @param caFile PEM CA bundle that client certificates (mutual TLS) must chain to (env
 *     PROPENSITY_SECURITY_TLS_CA_FILE); without it no client certificate is asked for
 * @param clientAuth {@code optional} (a client certificate is verified when presented) or {@code
 *     require}
 * @param reloadInterval how often the files are checked for changes; changed files are used for new
 *     handshakes while open connections keep their session
 */
@ConfigurationProperties("propensity.security.tls")
public record TlsConfiguration(
    @Nullable String certFile,
    @Nullable String keyFile,
    @Nullable String caFile,
    @Bindable(defaultValue = "optional") @Nullable String clientAuth,
    @Bindable(defaultValue = "30s") @Nullable Duration reloadInterval) {

  /** Whether client certificates are optional or required on a TLS port. */
  public enum ClientAuth {
    /** A client certificate is verified when presented; token clients need none. */
    OPTIONAL,
    /** Every client must present a certificate that chains to the CA file. */
    REQUIRE
  }

  /** The certificate chain file, if configured. */
  public Optional<Path> certPath() {
    return path(certFile);
  }

  /** The private key file, if configured. */
  public Optional<Path> keyPath() {
    return path(keyFile);
  }

  /** The CA bundle file, if configured. */
  public Optional<Path> caPath() {
    return path(caFile);
  }

  /** The client-certificate policy; an unknown value is a configuration error. */
  public ClientAuth clientAuthMode() {
    String v = clientAuth == null || clientAuth.isBlank() ? "optional" : clientAuth.trim();
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "optional" -> ClientAuth.OPTIONAL;
      case "require", "required" -> ClientAuth.REQUIRE;
      default ->
          throw new IllegalArgumentException(
              "propensity.security.tls.client-auth must be optional or require, not " + v);
    };
  }

  /** The reload period, at least 100 ms (a smaller one would spin on the file system). */
  public Duration reloadPeriod() {
    Duration d = reloadInterval == null ? Duration.ofSeconds(30) : reloadInterval;
    return d.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : d;
  }

  private static Optional<Path> path(String file) {
    return file == null || file.isBlank() ? Optional.empty() : Optional.of(Path.of(file.trim()));
  }
}
