package io.propensity.common.security;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's transport security, decided once at start: either the explicit insecure switch (one
 * WARN line), or TLS from the configured PEM files (hot reloaded). A service that is not insecure
 * and lacks TLS material refuses to start with a message naming the properties and the switch.
 */
@Context
public final class ServerSecurity implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerSecurity.class);

  private final boolean insecure;
  private final ServerTls tls;

  ServerSecurity(SecurityConfiguration security, TlsConfiguration tls) {
    this.insecure = security.insecure();
    if (insecure) {
      LOG.warn(
          "propensity.security.insecure=true: gRPC is plaintext and no caller is authenticated;"
              + " anyone who reaches the port may call every RPC");
      this.tls = null;
      return;
    }
    List<String> problems = problems(tls);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(refusal(problems));
    }
    try {
      this.tls = ServerTls.start(tls);
    } catch (RuntimeException e) {
      throw new ConfigurationException(refusal(List.of(e.getMessage())), e);
    }
    LOG.info(
        "gRPC TLS from {} (client certificates: {}, files re-read every {})",
        tls.certFile(),
        tls.caPath().isPresent() ? tls.clientAuthMode().name().toLowerCase() : "not asked for",
        tls.reloadPeriod());
  }

  /** What is missing for a secure start; empty when the TLS configuration is complete. */
  static List<String> problems(TlsConfiguration tls) {
    List<String> problems = new ArrayList<>();
    if (tls.certPath().isEmpty() || tls.keyPath().isEmpty()) {
      problems.add(
          "no TLS material: set propensity.security.tls.cert-file and"
              + " propensity.security.tls.key-file (env PROPENSITY_SECURITY_TLS_CERT_FILE,"
              + " PROPENSITY_SECURITY_TLS_KEY_FILE), and propensity.security.tls.ca-file"
              + " (PROPENSITY_SECURITY_TLS_CA_FILE) to accept client certificates");
    }
    try {
      tls.clientAuthMode();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  static String refusal(List<String> problems) {
    return "refusing to start without transport security: "
        + String.join("; ", problems)
        + ". To run plaintext without authentication instead, set propensity.security.insecure=true"
        + " (env PROPENSITY_SECURITY_INSECURE=true)";
  }

  /** Whether the explicit insecure switch is on. */
  public boolean insecure() {
    return insecure;
  }

  /** The reloading server TLS context; empty only in insecure mode. */
  public Optional<ServerTls> tls() {
    return Optional.ofNullable(tls);
  }

  /** Stops re-reading the TLS files. */
  @Override
  @PreDestroy
  public void close() {
    if (tls != null) {
      tls.close();
    }
  }
}
