package io.propensity.training.registry;

import io.propensity.common.error.InvalidInputException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Size and checksum of a stored file (artifact or report).
 *
 * @param sha256 lower-case hex SHA-256 of the bytes, 64 characters
 * @param sizeBytes number of bytes, > 0
 */
public record BlobInfo(String sha256, long sizeBytes) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public BlobInfo {
    Objects.requireNonNull(sha256, "sha256");
    if (!SHA256.matcher(sha256).matches()) {
      throw InvalidInputException.of("sha256", "'" + sha256 + "' is not 64 lower-case hex digits");
    }
    if (sizeBytes <= 0) {
      throw InvalidInputException.of("size_bytes", sizeBytes + " is not > 0");
    }
  }

  /** Size and SHA-256 of {@code bytes}. */
  public static BlobInfo of(byte[] bytes) {
    return new BlobInfo(sha256Hex(bytes), bytes.length);
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
