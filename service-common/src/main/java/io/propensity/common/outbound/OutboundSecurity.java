package io.propensity.common.outbound;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.propensity.client.security.ChannelSecurity;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a service calls the other services: read from the same {@code propensity.security.*} settings
 * its own server uses, so one set of PEM files serves both directions. Not insecure: TLS trusting
 * {@code tls.ca-file} (the JVM's roots when absent) and presenting the service's own {@code
 * tls.cert-file}/{@code tls.key-file} as its client certificate, its identity for mutual TLS.
 * Insecure: plaintext.
 */
@Factory
public class OutboundSecurity {
  static final String INSECURE = "propensity.security.insecure";
  static final String CA_FILE = "propensity.security.tls.ca-file";
  static final String CERT_FILE = "propensity.security.tls.cert-file";
  static final String KEY_FILE = "propensity.security.tls.key-file";

  /** The outbound channel settings of this service (one bean, shared by every client). */
  @Singleton
  ChannelSecurity outboundChannelSecurity(Environment env) {
    return from(name -> env.getProperty(name, String.class));
  }

  /**
   * The settings named by the {@code propensity.security.*} properties that {@code property} looks
   * up; absent {@code insecure} means false, the contract's default.
   */
  public static ChannelSecurity from(Function<String, Optional<String>> property) {
    boolean insecure =
        property.apply(INSECURE).map(v -> Boolean.parseBoolean(v.strip())).orElse(false);
    if (insecure) {
      return ChannelSecurity.plaintext();
    }
    Optional<Path> ca = file(property, CA_FILE);
    ChannelSecurity s = ca.map(ChannelSecurity::tls).orElseGet(ChannelSecurity::tlsWithSystemRoots);
    Optional<Path> cert = file(property, CERT_FILE);
    Optional<Path> key = file(property, KEY_FILE);
    return cert.isPresent() && key.isPresent() ? s.withClientCertificate(cert.get(), key.get()) : s;
  }

  /**
   * The settings named by the contract's environment variables ({@code
   * PROPENSITY_SECURITY_INSECURE}, {@code PROPENSITY_SECURITY_TLS_CA_FILE}, ...): for processes
   * without a Micronaut context, such as the container health probe.
   */
  public static ChannelSecurity fromEnvironment(Map<String, String> env) {
    return from(
        name ->
            Optional.ofNullable(env.get(name.toUpperCase().replace('.', '_').replace('-', '_'))));
  }

  private static Optional<Path> file(Function<String, Optional<String>> property, String name) {
    return property.apply(name).map(String::strip).filter(v -> !v.isEmpty()).map(Path::of);
  }
}
