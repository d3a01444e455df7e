package io.propensity.common.security;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server's TLS context whose key, certificate chain and client CA are re-read from their PEM
 * files while the server runs (grpc-java's advanced TLS managers): a renewed or re-issued
 * certificate is used by the next handshake, and connections already open keep their session.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

  private final SslContext sslContext;
  private final ScheduledExecutorService reloader;

  private ServerTls(SslContext sslContext, ScheduledExecutorService reloader) {
    this.sslContext = sslContext;
    this.reloader = reloader;
  }

  /**
   * Reads the configured files and starts watching them.
   *
   * @throws IllegalStateException naming the file when the material cannot be read
   */
  public static ServerTls start(TlsConfiguration tls) {
    Path cert = tls.certPath().orElseThrow(() -> missing("cert-file"));
    Path key = tls.keyPath().orElseThrow(() -> missing("key-file"));
    Optional<Path> ca = tls.caPath();
    requireReadable(cert, "cert-file");
    requireReadable(key, "key-file");
    ca.ifPresent(p -> requireReadable(p, "ca-file"));
    if (ca.isEmpty() && tls.clientAuthMode() == TlsConfiguration.ClientAuth.REQUIRE) {
      throw new IllegalStateException(
          "propensity.security.tls.client-auth=require needs propensity.security.tls.ca-file"
              + " (env PROPENSITY_SECURITY_TLS_CA_FILE): the CA client certificates must chain to");
    }
    long periodMs = tls.reloadPeriod().toMillis();
    ScheduledExecutorService reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tls-reload");
              t.setDaemon(true);
              return t;
            });
    try {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      IdentityFiles identity = new IdentityFiles(cert, key, keys);
      identity.load();
      SslContextBuilder builder = SslContextBuilder.forServer(keys);
      TrustFile trustFile = null;
      if (ca.isPresent()) {
        // Host names are a client's check of a server; a server only verifies the chain.
        AdvancedTlsX509TrustManager trust =
            AdvancedTlsX509TrustManager.newBuilder()
                .setVerification(
                    AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                .build();
        trustFile = new TrustFile(ca.get(), trust);
        trustFile.load();
        builder
            .trustManager(trust)
            .clientAuth(
                tls.clientAuthMode() == TlsConfiguration.ClientAuth.REQUIRE
                    ? ClientAuth.REQUIRE
                    : ClientAuth.OPTIONAL);
      } else {
        // Without our own CA, asking for a client certificate would trust the JDK's public CAs.
        builder.clientAuth(ClientAuth.NONE);
      }
      // grpc-java's own file watching re-reads at most once a minute; ours follows the
      // configured interval and never pairs a new certificate with an old key.
      TrustFile watchedTrust = trustFile;
      reloader.scheduleWithFixedDelay(
          () -> {
            identity.reloadIfChanged();
            if (watchedTrust != null) {
              watchedTrust.reloadIfChanged();
            }
          },
          periodMs,
          periodMs,
          TimeUnit.MILLISECONDS);
      return new ServerTls(GrpcSslContexts.configure(builder).build(), reloader);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      reloader.shutdownNow();
      throw new IllegalStateException(
          "cannot use the TLS material of propensity.security.tls (cert-file "
              + cert
              + ", key-file "
              + key
              + ca.map(p -> ", ca-file " + p).orElse("")
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** The server context to give to a Netty server builder. */
  public SslContext sslContext() {
    return sslContext;
  }

  /** Stops watching the files. */
  @Override
  public void close() {
    reloader.shutdownNow();
  }

  private static IllegalStateException missing(String property) {
    return new IllegalStateException("propensity.security.tls." + property + " is not set");
  }

  private static void requireReadable(Path file, String property) {
    if (!Files.isReadable(file)) {
      throw new IllegalStateException(
          "propensity.security.tls." + property + " " + file + " is not a readable file");
    }
  }

  /** A file's identity as far as change detection goes: its modification time and size. */
  private record Stamp(long modified, long size) {
    static Stamp of(Path file) {
      try {
        return new Stamp(Files.getLastModifiedTime(file).toMillis(), Files.size(file));
      } catch (IOException e) {
        return new Stamp(-1, -1); // being replaced right now: try again at the next tick
      }
    }
  }

  /** The certificate chain and key files, loaded into the key manager together. */
  private static final class IdentityFiles {
    private final Path cert;
    private final Path key;
    private final AdvancedTlsX509KeyManager keys;
    private Stamp certStamp;
    private Stamp keyStamp;

    IdentityFiles(Path cert, Path key, AdvancedTlsX509KeyManager keys) {
      this.cert = cert;
      this.key = key;
      this.keys = keys;
    }

    void load() throws IOException, GeneralSecurityException {
      Stamp c = Stamp.of(cert);
      Stamp k = Stamp.of(key);
      X509Certificate[] chain;
      PrivateKey privateKey;
      try (InputStream in = Files.newInputStream(cert)) {
        chain = CertificateUtils.getX509Certificates(in);
      }
      try (InputStream in = Files.newInputStream(key)) {
        privateKey = CertificateUtils.getPrivateKey(in);
      }
      if (chain.length == 0) {
        throw new GeneralSecurityException(cert + " holds no certificate");
      }
      if (!matches(chain[0].getPublicKey(), privateKey)) {
        throw new GeneralSecurityException(
            "the key in " + key + " does not belong to the certificate in " + cert);
      }
      keys.updateIdentityCredentials(chain, privateKey);
      certStamp = c;
      keyStamp = k;
    }

    void reloadIfChanged() {
      if (Stamp.of(cert).equals(certStamp) && Stamp.of(key).equals(keyStamp)) {
        return;
      }
      try {
        load();
        LOG.info("TLS identity reloaded from {} and {}", cert, key);
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        // Usually one file of the pair is written and the other not yet: keep serving the
        // previous pair and look again at the next tick.
        LOG.debug("TLS identity not reloaded yet: {}", e.getMessage());
      }
    }
  }

  /** The CA bundle file, loaded into the trust manager. */
  private static final class TrustFile {
    private final Path ca;
    private final AdvancedTlsX509TrustManager trust;
    private Stamp stamp;

    TrustFile(Path ca, AdvancedTlsX509TrustManager trust) {
      this.ca = ca;
      this.trust = trust;
    }

    void load() throws IOException, GeneralSecurityException {
      Stamp s = Stamp.of(ca);
      X509Certificate[] cas;
      try (InputStream in = Files.newInputStream(ca)) {
        cas = CertificateUtils.getX509Certificates(in);
      }
      if (cas.length == 0) {
        throw new GeneralSecurityException(ca + " holds no certificate");
      }
      trust.updateTrustCredentials(cas);
      stamp = s;
    }

    void reloadIfChanged() {
      if (Stamp.of(ca).equals(stamp)) {
        return;
      }
      try {
        load();
        LOG.info("TLS client CA reloaded from {}", ca);
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        LOG.warn("TLS client CA {} not reloaded, keeping the previous one: {}", ca, e.getMessage());
      }
    }
  }

  /** Whether the private key signs what the certificate's public key verifies. */
  private static boolean matches(PublicKey publicKey, PrivateKey privateKey)
      throws GeneralSecurityException {
    String algorithm =
        switch (publicKey.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true; // no probe for this key type; the handshake itself will tell
    }
    byte[] probe = "propensity tls key probe".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(privateKey);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(publicKey);
    verifier.update(probe);
    return verifier.verify(signature);
  }
}
