package io.propensity.common.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The static principals of a service, from a text file re-read when it changes, so adding a token
 * needs no restart. One principal a line, {@code #} starts a comment, whitespace-separated columns
 * {@code <kind> <name> <scopes> <credential>}: kind {@code token} with credential {@code
 * sha256:<hex>} (the SHA-256 of the bearer token's UTF-8; the token itself is never stored), kind
 * {@code cert} with credential the CN of a client certificate verified against the CA file; scopes
 * comma-separated, {@code *} for all.
 */
public final class PrincipalsFile {
  private static final Logger LOG = LoggerFactory.getLogger(PrincipalsFile.class);
  private static final String SHA256 = "sha256:";

  /** How long a read of the file is trusted before its modification time is looked at again. */
  private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

  private final Path file;
  private volatile Snapshot snapshot;
  private volatile long checkedAt;

  private PrincipalsFile(Path file, Snapshot snapshot) {
    this.file = file;
    this.snapshot = snapshot;
    this.checkedAt = System.nanoTime();
  }

  /**
   * Reads the file once.
   *
   * @throws IllegalArgumentException naming the line when the file is malformed
   * @throws UncheckedIOException when it cannot be read
   */
  public static PrincipalsFile load(Path file) {
    return new PrincipalsFile(file, read(file));
  }

  /** The principal whose token hashes to the SHA-256 of {@code token}, if any. */
  public Optional<Principal> byToken(String token) {
    byte[] presented = sha256(token);
    Principal found = null;
    // Every stored hash is compared in constant time, whether or not an earlier one matched.
    for (TokenEntry e : fresh().tokens()) {
      if (MessageDigest.isEqual(presented, e.sha256()) && found == null) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The principal of a verified client certificate whose subject CN is {@code commonName}. */
  public Optional<Principal> byCertificateCn(String commonName) {
    return Optional.ofNullable(fresh().certs().get(commonName));
  }

  /** The SHA-256 of a token's UTF-8, as the principals file stores it ({@code sha256:<hex>}). */
  public static String hashToken(String token) {
    return SHA256 + HexFormat.of().formatHex(sha256(token));
  }

  private Snapshot fresh() {
    long now = System.nanoTime();
    if (now - checkedAt < CHECK_EVERY_NANOS) {
      return snapshot;
    }
    synchronized (this) {
      if (now - checkedAt >= CHECK_EVERY_NANOS) {
        checkedAt = now;
        Snapshot current = snapshot;
        Stamp stamp = Stamp.of(file);
        if (!stamp.equals(current.stamp())) {
          try {
            snapshot = read(file);
            LOG.info(
                "principals file {} re-read: {} token and {} certificate principals",
                file,
                snapshot.tokens().size(),
                snapshot.certs().size());
          } catch (RuntimeException e) {
            // keep serving the principals we had rather than locking everyone out
            LOG.warn("principals file {} not re-read, keeping the previous one: {}", file, e);
          }
        }
      }
      return snapshot;
    }
  }

  static Snapshot read(Path file) {
    Stamp stamp = Stamp.of(file);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read principals file " + file, e);
    }
    List<TokenEntry> tokens = new ArrayList<>();
    Map<String, Principal> certs = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      String where = file + " line " + (i + 1) + ": ";
      String[] cols = content.split("\\s+");
      if (cols.length != 4) {
        throw new IllegalArgumentException(
            where
                + "expected <kind> <name> <scopes> <credential>, found "
                + cols.length
                + " columns");
      }
      Set<String> scopes = new LinkedHashSet<>();
      for (String s : cols[2].split(",")) {
        if (!s.isBlank()) {
          scopes.add(s.strip());
        }
      }
      Principal principal = new Principal(cols[1], scopes);
      switch (cols[0]) {
        case "token" -> {
          if (!cols[3].startsWith(SHA256)) {
            throw new IllegalArgumentException(
                where + "a token's credential is sha256:<hex of the token's SHA-256>");
          }
          byte[] digest;
          try {
            digest = HexFormat.of().parseHex(cols[3].substring(SHA256.length()));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "the sha256 is not hexadecimal", e);
          }
          if (digest.length != 32) {
            throw new IllegalArgumentException(where + "a SHA-256 has 64 hex digits");
          }
          tokens.add(new TokenEntry(digest, principal));
        }
        case "cert" -> {
          if (certs.putIfAbsent(cols[3], principal) != null) {
            throw new IllegalArgumentException(where + "CN " + cols[3] + " is listed twice");
          }
        }
        default ->
            throw new IllegalArgumentException(where + "kind is token or cert, not " + cols[0]);
      }
    }
    return new Snapshot(stamp, List.copyOf(tokens), Map.copyOf(certs));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  record Snapshot(Stamp stamp, List<TokenEntry> tokens, Map<String, Principal> certs) {}

  record TokenEntry(byte[] sha256, Principal principal) {
    @Override
    public boolean equals(Object o) {
      return o instanceof TokenEntry t
          && Arrays.equals(sha256, t.sha256)
          && principal.equals(t.principal);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(sha256) + principal.hashCode();
    }

    @Override
    public String toString() {
      return "TokenEntry[" + principal.name() + "]";
    }
  }

  record Stamp(long modified, long size) {
    static Stamp of(Path file) {
      try {
        return new Stamp(Files.getLastModifiedTime(file).toMillis(), Files.size(file));
      } catch (IOException e) {
        return new Stamp(-1, -1);
      }
    }
  }
}
