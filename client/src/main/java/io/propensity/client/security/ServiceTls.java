package io.propensity.client.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a service's (or the dashboard's) own {@code propensity.security.*} settings that
 * is not the gRPC server's: how it calls the other services, and the Micronaut properties that put
 * its HTTP port (health, Prometheus, the dashboard's pages) on TLS with the same PEM files.
 */
public final class ServiceTls {
  static final String INSECURE = "propensity.security.insecure";
  static final String CA_FILE = "propensity.security.tls.ca-file";
  static final String CERT_FILE = "propensity.security.tls.cert-file";
  static final String KEY_FILE = "propensity.security.tls.key-file";
  static final String RELOAD_INTERVAL = "propensity.security.tls.reload-interval";

  /** The certificate provider the HTTP server's TLS is configured from. */
  static final String PROVIDER = "propensity";

  private ServiceTls() {}

  /**
   * The lookup of a {@code propensity.security.*} property in a process without its Micronaut
   * context yet: a system property, else the environment variable Micronaut maps to it ({@code
   * propensity.security.tls.ca-file} = {@code PROPENSITY_SECURITY_TLS_CA_FILE}).
   */
  public static Function<String, Optional<String>> systemLookup(Map<String, String> env) {
    return name ->
        Optional.ofNullable(System.getProperty(name))
            .or(
                () ->
                    Optional.ofNullable(
                        env.get(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))))
            .map(String::strip)
            .filter(v -> !v.isEmpty());
  }

  /** Whether the settings say insecure; absent means false, the contract's default. */
  public static boolean insecure(Function<String, Optional<String>> property) {
    return property.apply(INSECURE).map(Boolean::parseBoolean).orElse(false);
  }

  /**
   * How the service calls the others: insecure, plaintext; else TLS trusting {@code tls.ca-file}
   * (the JVM's roots when absent) and presenting its own {@code tls.cert-file}/{@code tls.key-file}
   * as its client certificate, its identity for mutual TLS.
   */
  public static ChannelSecurity outbound(Function<String, Optional<String>> property) {
    return outbound(
        insecure(property),
        property.apply(CA_FILE).map(Path::of),
        property.apply(CERT_FILE).map(Path::of),
        property.apply(KEY_FILE).map(Path::of));
  }

  /**
   * How the service calls the others, from already bound settings: insecure, plaintext; else TLS
   * trusting {@code ca} (the JVM's roots when absent), presenting {@code cert}/{@code key} when
   * both are given.
   */
  public static ChannelSecurity outbound(
      boolean insecure, Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
    if (insecure) {
      return ChannelSecurity.plaintext();
    }
    ChannelSecurity s = ca.map(ChannelSecurity::tls).orElseGet(ChannelSecurity::tlsWithSystemRoots);
    return cert.isPresent() && key.isPresent() ? s.withClientCertificate(cert.get(), key.get()) : s;
  }

  /**
   * Micronaut properties serving the HTTP port over TLS with the service's certificate and key
   * (re-read when the files change, or every {@code tls.reload-interval}); empty when insecure or
   * when no certificate is configured (the gRPC server then refuses to start, naming what is
   * missing). The HTTP port stays the configured {@code micronaut.server.port}: the TLS port is set
   * to it and plain HTTP is off.
   */
  public static Map<String, Object> httpServerProperties(
      Function<String, Optional<String>> property) {
    Optional<String> cert = property.apply(CERT_FILE);
    Optional<String> key = property.apply(KEY_FILE);
    if (insecure(property) || cert.isEmpty() || key.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("micronaut.server.ssl.enabled", true);
    p.put("micronaut.server.ssl.port", "${micronaut.server.port}");
    p.put("micronaut.server.ssl.key-name", PROVIDER);
    p.put("micronaut.server.dual-protocol", false);
    String c = "micronaut.certificate.file." + PROVIDER + ".";
    p.put(c + "format", "PEM");
    p.put(c + "path", key.get());
    p.put(c + "certificate-path", cert.get());
    p.put(c + "refresh-mode", "FILE_WATCHER_OR_SCHEDULER");
    p.put(c + "refresh-interval", property.apply(RELOAD_INTERVAL).orElse("30s"));
    return p;
  }

  /**
   * An SSL context for HTTPS clients (health probes, the CLI, tests) trusting only the CA
   * certificates in {@code caFile}.
   */
  public static SSLContext sslContextTrusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CA file " + caFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(caFile + " holds no usable CA certificate", e);
    }
  }
}
