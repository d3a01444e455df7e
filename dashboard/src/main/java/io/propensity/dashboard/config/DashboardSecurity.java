package io.propensity.dashboard.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.client.security.ServiceTls;
import jakarta.inject.Singleton;

/**
 * How the dashboard calls the services: the contract's {@code propensity.security.*} settings, as
 * for a service (TLS trusting {@code tls.ca-file}, its own certificate for mutual TLS, CN {@code
 * dashboard}; plaintext when insecure). The dashboard's own users are not authenticated: put it
 * behind your single sign-on proxy if it is reachable beyond the host.
 */
@Factory
class DashboardSecurity {
  @Singleton
  ChannelSecurity outboundChannelSecurity(Environment env) {
    return ServiceTls.outbound(
        name -> env.getProperty(name, String.class).map(String::strip).filter(v -> !v.isEmpty()));
  }
}
