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
 * A service's transport security and authentication, decided once at start: either the explicit
 * insecure switch (one WARN line), or TLS from the configured PEM files (hot reloaded) plus at
 * least one authentication source (principals file, JWT keys). A service that is not insecure and
 * lacks either refuses to start with a message naming the properties and the switch.
 */
@Context
public final class ServerSecurity implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerSecurity.class);

  private final boolean insecure;
  private final ServerTls tls;
  private final Authenticator authenticator;

  ServerSecurity(
      SecurityConfiguration security,
      TlsConfiguration tls,
      AuthConfiguration auth,
      JwtConfiguration jwt) {
    this.insecure = security.insecure();
    if (insecure) {
      LOG.warn(
          "propensity.security.insecure=true: gRPC is plaintext and no caller is authenticated;"
              + " anyone who reaches the port may call every RPC");
      this.tls = null;
      this.authenticator = null;
      return;
    }
    List<String> problems = problems(tls, auth, jwt);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(refusal(problems));
    }
    try {
      this.authenticator =
          new Authenticator(
              auth.principalsPath().map(PrincipalsFile::load),
              jwt.publicKeyPaths().isEmpty()
                  ? Optional.empty()
                  : Optional.of(JwtVerifier.from(jwt)));
    } catch (RuntimeException e) {
      throw new ConfigurationException(refusal(List.of(e.getMessage())), e);
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

  /** What is missing for a secure start; empty when the configuration is complete. */
  static List<String> problems(TlsConfiguration tls, AuthConfiguration auth, JwtConfiguration jwt) {
    List<String> problems = new ArrayList<>();
    if (tls.certPath().isEmpty() || tls.keyPath().isEmpty()) {
      problems.add(
          "no TLS material: set propensity.security.tls.cert-file and"
              + " propensity.security.tls.key-file (env PROPENSITY_SECURITY_TLS_CERT_FILE,"
              + " PROPENSITY_SECURITY_TLS_KEY_FILE), and propensity.security.tls.ca-file"
              + " (PROPENSITY_SECURITY_TLS_CA_FILE) to accept client certificates");
    }
    if (auth.principalsPath().isEmpty() && jwt.publicKeyPaths().isEmpty()) {
      problems.add(
          "no authentication source: set propensity.security.auth.principals-file (env"
              + " PROPENSITY_SECURITY_AUTH_PRINCIPALS_FILE) and/or"
              + " propensity.security.auth.jwt.public-key-files");
    }
    try {
      tls.clientAuthMode();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  static String refusal(List<String> problems) {
    return "refusing to start without transport security and authentication: "
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

  /** Who may call what; empty only in insecure mode. */
  public Optional<Authenticator> authenticator() {
    return Optional.ofNullable(authenticator);
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
