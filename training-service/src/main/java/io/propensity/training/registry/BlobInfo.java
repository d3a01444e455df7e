package io.propensity.training.registry;

import io.propensity.common.error.InvalidInputException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
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

  /**
   * Fails unless these are the size and checksum the caller announced for {@code what} ({@code
   * artifact} or {@code report}), when it announced any.
   *
   * @throws InvalidInputException naming {@code <what>_size_bytes} or {@code <what>_sha256}
   */
  public void requireAnnounced(Optional<BlobInfo> expected, String what) {
    if (expected.isEmpty()) {
      return;
    }
    if (expected.get().sizeBytes() != sizeBytes) {
      throw InvalidInputException.of(
          what + "_size_bytes",
          "announced " + expected.get().sizeBytes() + " bytes but " + sizeBytes + " were uploaded");
    }
    if (!expected.get().sha256().equals(sha256)) {
      throw InvalidInputException.of(
          what + "_sha256",
          "announced " + expected.get().sha256() + " but the uploaded bytes hash to " + sha256);
    }
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
