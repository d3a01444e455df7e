package io.propensity.common.outbound;

import io.micronaut.context.annotation.Factory;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.client.security.ServiceTls;
import io.propensity.common.security.SecurityConfiguration;
import io.propensity.common.security.TlsConfiguration;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * How a service calls the other services: from the same {@code propensity.security.*} settings its
 * own server is bound from ({@link SecurityConfiguration}, {@link TlsConfiguration}), so one set of
 * PEM files serves both directions. Not insecure: TLS trusting {@code tls.ca-file} (the JVM's roots
 * when absent) and presenting the service's own {@code tls.cert-file}/{@code tls.key-file} as its
 * client certificate, its identity for mutual TLS. Insecure: plaintext.
 */
@Factory
public class OutboundSecurity {
  /** The outbound channel settings of this service (one bean, shared by every client). */
  @Singleton
  ChannelSecurity outboundChannelSecurity(SecurityConfiguration security, TlsConfiguration tls) {
    return of(security, tls);
  }

  /** The outbound channel settings that the bound security settings describe. */
  public static ChannelSecurity of(SecurityConfiguration security, TlsConfiguration tls) {
    return ServiceTls.outbound(security.insecure(), tls.caPath(), tls.certPath(), tls.keyPath());
  }

  /**
   * The settings named by the contract's environment variables ({@code
   * PROPENSITY_SECURITY_INSECURE}, {@code PROPENSITY_SECURITY_TLS_CA_FILE}, ...) or system
   * properties: for processes without a Micronaut context, such as the container health probe.
   */
  public static ChannelSecurity fromEnvironment(Map<String, String> env) {
    return ServiceTls.outbound(ServiceTls.systemLookup(env));
  }
}
