package io.propensity.client.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The security directory of a local stack (the demo's {@code <state dir>/security/}, the compose
 * stack's {@code .propensity/compose-security/}): a local CA ({@code ca.pem}, {@code ca-key.pem}),
 * one certificate and key per service and the dashboard ({@code <name>.pem}, {@code
 * <name>-key.pem}, CN = the name), the principals file the services authenticate against ({@code
 * principals.txt}), the administrator's bearer token ({@code admin.token}, all scopes) and the
 * registry's model-signing key ({@code registry-signing-key.pem}, Ed25519, with its public half
 * {@code registry-signing-key.pem.pub.pem} that inference-service trusts). Keys and the token are
 * owner-only files.
 */
public record SecurityDirectory(Path dir) {
  /** Who gets a certificate: the gRPC services and the dashboard. */
  public static final List<String> IDENTITIES =
      List.of("feature-service", "training-service", "inference-service", "dashboard");

  /**
   * The scopes each identity's certificate is granted: what it calls on the others. feature-service
   * calls nobody; training-service builds training sets and reads the schema (its registry is
   * in-process); inference-service reads online features and history and reads, downloads and
   * watches model versions; the dashboard reads features and asks for predictions.
   */
  public static final Map<String, String> SERVICE_SCOPES =
      Map.of(
          "training-service", "read-features",
          "inference-service", "read-features,predict",
          "dashboard", "read-features,predict");

  /** The principal of {@code admin.token}. */
  public static final String ADMIN = "admin";

  static final Duration CA_VALIDITY = Duration.ofDays(5 * 365);
  static final Duration CERT_VALIDITY = Duration.ofDays(365);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What {@link #init} did. */
  public record Init(List<Path> written, List<Path> kept) {
    /** Whether every file was already there. */
    public boolean unchanged() {
      return written.isEmpty();
    }
  }

  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  public Path caKeyFile() {
    return dir.resolve("ca-key.pem");
  }

  public Path certFile(String identity) {
    return dir.resolve(identity + ".pem");
  }

  public Path keyFile(String identity) {
    return dir.resolve(identity + "-key.pem");
  }

  public Path principalsFile() {
    return dir.resolve("principals.txt");
  }

  public Path adminTokenFile() {
    return dir.resolve("admin.token");
  }

  /** The registry's Ed25519 model-signing key (PEM PKCS#8), read by training-service. */
  public Path registrySigningKeyFile() {
    return dir.resolve("registry-signing-key.pem");
  }

  /**
   * The public half of {@link #registrySigningKeyFile} (PEM SubjectPublicKeyInfo), the key
   * inference-service verifies every model version against; named as training-service names it.
   */
  public Path registrySigningPublicKeyFile() {
    return dir.resolve("registry-signing-key.pem.pub.pem");
  }

  /** Whether the directory holds what a client needs: the CA certificate and the admin token. */
  public boolean present() {
    return Files.isRegularFile(caFile()) && Files.isRegularFile(adminTokenFile());
  }

  /**
   * Creates what is missing: the CA (when absent, every certificate is issued anew), a certificate
   * per identity valid for its name, localhost, 127.0.0.1, ::1 and {@code extraHosts} (names or IP
   * literals), the admin token and the principals file (a missing admin line is appended, other
   * lines are kept). With {@code force} every file is replaced: a new CA, new certificates, a new
   * admin token and a principals file with only the generated lines.
   */
  public Init init(List<String> extraHosts, boolean force) {
    List<Path> written = new ArrayList<>();
    List<Path> kept = new ArrayList<>();
    boolean newCa = force || !Files.isRegularFile(caFile()) || !Files.isRegularFile(caKeyFile());
    LocalCa ca;
    if (newCa) {
      ca = LocalCa.create("Propensity local CA", CA_VALIDITY);
      ca.write(caFile(), caKeyFile());
      written.add(caFile());
      written.add(caKeyFile());
    } else {
      ca = LocalCa.load(caFile(), caKeyFile());
      kept.add(caFile());
      kept.add(caKeyFile());
    }
    for (String id : IDENTITIES) {
      if (newCa || !Files.isRegularFile(certFile(id)) || !Files.isRegularFile(keyFile(id))) {
        issue(ca, id, extraHosts).write(certFile(id), keyFile(id));
        written.add(certFile(id));
        written.add(keyFile(id));
      } else {
        kept.add(certFile(id));
        kept.add(keyFile(id));
      }
    }
    if (force
        || !Files.isRegularFile(registrySigningKeyFile())
        || !Files.isRegularFile(registrySigningPublicKeyFile())) {
      writeSigningKey();
      written.add(registrySigningKeyFile());
      written.add(registrySigningPublicKeyFile());
    } else {
      kept.add(registrySigningKeyFile());
      kept.add(registrySigningPublicKeyFile());
    }
    String token;
    if (force || !Files.isRegularFile(adminTokenFile())) {
      token = newToken();
      LocalCa.writeAtomically(adminTokenFile(), token + "\n", true);
      written.add(adminTokenFile());
    } else {
      token = readToken(adminTokenFile());
      kept.add(adminTokenFile());
    }
    String adminLine = tokenLine(ADMIN, "*", token);
    if (force || !Files.isRegularFile(principalsFile())) {
      LocalCa.writeAtomically(principalsFile(), principals(adminLine), false);
      written.add(principalsFile());
    } else {
      String existing = read(principalsFile());
      if (existing.contains(sha256(token))) {
        kept.add(principalsFile());
      } else {
        String sep = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n";
        LocalCa.writeAtomically(principalsFile(), existing + sep + adminLine + "\n", false);
        written.add(principalsFile());
      }
    }
    return new Init(List.copyOf(written), List.copyOf(kept));
  }

  private void writeSigningKey() {
    KeyPair keys;
    try {
      keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JVM", e);
    }
    LocalCa.writeAtomically(
        registrySigningKeyFile(), Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()), true);
    LocalCa.writeAtomically(
        registrySigningPublicKeyFile(),
        Pem.encode("PUBLIC KEY", keys.getPublic().getEncoded()),
        false);
  }

  private static LocalCa.Issued issue(LocalCa ca, String id, List<String> extraHosts) {
    Set<String> dns = new LinkedHashSet<>(List.of(id, "localhost"));
    Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
    for (String h : extraHosts) {
      String host = h.strip();
      if (!host.isEmpty()) {
        (LocalCa.isIpLiteral(host) ? ips : dns).add(host);
      }
    }
    return ca.issue(id, List.copyOf(dns), List.copyOf(ips), CERT_VALIDITY);
  }

  private static String principals(String adminLine) {
    StringBuilder b = new StringBuilder();
    b.append("# Who may call the services of this stack, and with which scopes.\n")
        .append("# <kind> <name> <scopes> <credential>; kind token: credential = sha256:<hex> of\n")
        .append("# the bearer token; kind cert: credential = the client certificate's CN.\n")
        .append(
            "# Re-read when it changes. Add a token: propensity security token --name N --scopes a,b\n");
    b.append(adminLine).append('\n');
    for (String id : IDENTITIES) {
      String scopes = SERVICE_SCOPES.get(id);
      if (scopes != null) {
        b.append(String.format("%-6s %-18s %-40s %s%n", "cert", id, scopes, id));
      }
    }
    return b.toString();
  }

  /** A principals-file line for a bearer token: only the token's SHA-256 is written. */
  public static String tokenLine(String name, String scopes, String token) {
    if (!name.matches("[A-Za-z0-9._@:-]+")) {
      throw new IllegalArgumentException(
          "a principal name is letters, digits and . _ @ : - only: " + name);
    }
    if (!scopes.matches("\\*|[a-z:-]+(,[a-z:-]+)*")) {
      throw new IllegalArgumentException(
          "scopes are a comma-separated list (e.g. predict,read-features) or *: " + scopes);
    }
    return String.format("%-6s %-18s %-40s sha256:%s", "token", name, scopes, sha256(token));
  }

  /** A new bearer token: 32 random bytes, base64url without padding. */
  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The lower-case hex SHA-256 of the token's UTF-8, as the principals file stores it. */
  public static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The token in a token file (its first line, trimmed). */
  public static String readToken(Path file) {
    return read(file).strip().lines().findFirst().orElse("").strip();
  }

  /** The client settings of this directory's administrator: TLS with its CA and the admin token. */
  public ChannelSecurity adminClient() {
    return ChannelSecurity.tls(caFile()).withToken(readToken(adminTokenFile()));
  }

  /** The outbound settings of a service: TLS with its CA and its own certificate (mutual TLS). */
  public ChannelSecurity serviceClient(String identity) {
    return ChannelSecurity.tls(caFile())
        .withClientCertificate(certFile(identity), keyFile(identity));
  }

  /**
   * The environment that makes a service of this stack serve TLS with its certificate, verify
   * client certificates and tokens against this directory (the contract's {@code
   * PROPENSITY_SECURITY_*} variables).
   */
  public Map<String, String> serviceEnvironment(String identity) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PROPENSITY_SECURITY_INSECURE", "false");
    env.put("PROPENSITY_SECURITY_TLS_CERT_FILE", certFile(identity).toString());
    env.put("PROPENSITY_SECURITY_TLS_KEY_FILE", keyFile(identity).toString());
    env.put("PROPENSITY_SECURITY_TLS_CA_FILE", caFile().toString());
    env.put("PROPENSITY_SECURITY_AUTH_PRINCIPALS_FILE", principalsFile().toString());
    if (identity.equals("training-service")) {
      env.put("PROPENSITY_REGISTRY_SIGNING_KEY_FILE", registrySigningKeyFile().toString());
    } else if (identity.equals("inference-service")) {
      env.put("PROPENSITY_INFERENCE_TRUSTED_MODEL_KEYS", registrySigningPublicKeyFile().toString());
    }
    return env;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }
}
