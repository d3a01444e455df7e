package io.propensity.client.security;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client reaches a service: over TLS (trusting the CA bundle in {@code caFile}, or the
 * system's roots when absent), optionally presenting a client certificate for mutual TLS, with a
 * bearer token on every call when given; or in plain text when {@code insecure} (the explicit
 * switch, for stacks started with {@code PROPENSITY_SECURITY_INSECURE=true}). The one place the
 * CLI, the dashboard, the benchmarks and the services build their outbound channels.
 *
 * @param insecure plain text, no credentials: every other field must be empty
 * @param caFile PEM CA bundle the server's certificate must chain to; absent: the JVM's trust roots
 * @param certFile PEM certificate chain presented as the client's identity (mutual TLS)
 * @param keyFile PEM PKCS#8 private key of {@code certFile}
 * @param token bearer token sent as {@code authorization: Bearer <token>} with every call
 */
public record ChannelSecurity(
    boolean insecure,
    Optional<Path> caFile,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    Optional<String> token) {
  /** Inbound message limit of every channel: a training set or an artifact chunk fits. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  public ChannelSecurity {
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(token, "token");
    if (insecure && (caFile.isPresent() || certFile.isPresent() || token.isPresent())) {
      throw new IllegalArgumentException(
          "insecure (plaintext) excludes a CA file, a client certificate and a token");
    }
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException(
          "a client certificate needs both its certificate file and its key file");
    }
  }

  /** Plain text, no credentials. */
  public static ChannelSecurity plaintext() {
    return new ChannelSecurity(
        true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** TLS trusting the CA certificates in {@code caFile}, without a client identity yet. */
  public static ChannelSecurity tls(Path caFile) {
    return new ChannelSecurity(
        false, Optional.of(caFile), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** TLS trusting the JVM's default roots (a public certificate on the server). */
  public static ChannelSecurity tlsWithSystemRoots() {
    return new ChannelSecurity(
        false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** These settings presenting {@code certFile}/{@code keyFile} as the client's certificate. */
  public ChannelSecurity withClientCertificate(Path certFile, Path keyFile) {
    return new ChannelSecurity(
        insecure, caFile, Optional.of(certFile), Optional.of(keyFile), token);
  }

  /** These settings sending {@code token} as a bearer token with every call. */
  public ChannelSecurity withToken(String token) {
    return new ChannelSecurity(insecure, caFile, certFile, keyFile, Optional.of(token.strip()));
  }

  /** The bearer token in the first line of {@code tokenFile} (e.g. a stack's admin.token). */
  public ChannelSecurity withTokenFile(Path tokenFile) {
    try {
      return withToken(Files.readString(tokenFile).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + tokenFile, e);
    }
  }

  /**
   * The transport credentials: TLS with the CA and client certificate (the files are read now, so a
   * missing or unreadable file fails here, naming it), plus the bearer token when given; or
   * plaintext.
   */
  public ChannelCredentials channelCredentials() {
    if (insecure) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (caFile.isPresent()) {
        b.trustManager(readable(caFile.get(), "CA file").toFile());
      }
      if (certFile.isPresent()) {
        b.keyManager(
            readable(certFile.get(), "certificate file").toFile(),
            readable(keyFile.get(), "key file").toFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TLS files: " + e.getMessage(), e);
    }
    ChannelCredentials tls = b.build();
    Optional<CallCredentials> call = callCredentials();
    return call.isPresent() ? CompositeChannelCredentials.create(tls, call.get()) : tls;
  }

  /** The per-call credentials: the bearer token, if any (never in plaintext mode). */
  public Optional<CallCredentials> callCredentials() {
    return token.map(BearerToken::new);
  }

  /**
   * A channel builder to {@code target} with these credentials and the suite's inbound message
   * limit; the caller may tune it before building. The target is {@code host:port}, a gRPC target
   * URI, or several replicas of one service: a list {@code host1:port,host2:port} or {@code
   * dns:///name:port}, balanced call by call with {@code round_robin} and read calls retried on
   * another replica ({@link ReplicaTargets}).
   *
   * @throws IllegalArgumentException when an address of a list is not {@code host:port}
   */
  public ManagedChannelBuilder<?> builder(String target) {
    ManagedChannelBuilder<?> b =
        Grpc.newChannelBuilder(ReplicaTargets.channelTarget(target), channelCredentials())
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
    if (ReplicaTargets.isReplicated(target)) {
      b.defaultServiceConfig(ReplicaTargets.serviceConfig()).enableRetry();
    }
    return b;
  }

  /** A channel to {@code target} with these credentials. */
  public ManagedChannel open(String target) {
    return builder(target).build();
  }

  /** One line for logs and messages: the mode and the files, never the token. */
  public String describe() {
    if (insecure) {
      return "plaintext (insecure)";
    }
    List<String> parts = new ArrayList<>();
    parts.add("TLS, CA " + caFile.map(Path::toString).orElse("(system roots)"));
    certFile.ifPresent(c -> parts.add("client certificate " + c));
    token.ifPresent(t -> parts.add("bearer token"));
    return String.join(", ", parts);
  }

  @Override
  public String toString() {
    return "ChannelSecurity[" + describe() + "]";
  }

  private static Path readable(Path p, String what) throws IOException {
    if (!Files.isReadable(p)) {
      throw new IOException(what + " " + p + " does not exist or is not readable");
    }
    return p;
  }
}
