package io.propensity.common.outbound;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.client.security.ServiceTls;
import jakarta.inject.Singleton;
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
    return ServiceTls.outbound(
        name -> property.apply(name).map(String::strip).filter(v -> !v.isEmpty()));
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
}
