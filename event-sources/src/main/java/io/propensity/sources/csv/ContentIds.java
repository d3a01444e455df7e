package io.propensity.sources.csv;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Event ids for files that have none: a hash of the row's content, so that importing the same row
 * again (from the same or another file) yields the same id and deduplicates. Identical rows share
 * an id, which is what deduplication wants of a tracker's duplicates. Not thread-safe: one per
 * import.
 */
final class ContentIds {
  private static final byte SEPARATOR = 0x1f; // unit separator: cannot be confused with cell text
  private final String prefix;
  private final MessageDigest sha256;

  ContentIds(String prefix) {
    this.prefix = prefix;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** {@code prefix} followed by 128 bits of the SHA-256 of the cells, in hex (32 characters). */
  String of(List<String> cells) {
    sha256.reset();
    for (String cell : cells) {
      sha256.update(cell.getBytes(StandardCharsets.UTF_8));
      sha256.update(SEPARATOR);
    }
    byte[] digest = sha256.digest();
    return prefix + HexFormat.of().formatHex(digest, 0, 16);
  }
}
