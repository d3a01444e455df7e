package io.propensity.training.registry.jdbc;

import static io.propensity.training.registry.RegistryStore.CHUNK_BYTES;

import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.training.registry.BlobInfo;
import io.propensity.training.registry.BlobKind;
import io.propensity.training.registry.BlobSource;
import io.propensity.training.registry.RegistryStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The {@code blob_chunks} table: files (artifacts, reports) in numbered pieces of {@value
 * io.propensity.training.registry.RegistryStore#CHUNK_BYTES} bytes, written as they stream in and
 * read by range.
 */
final class BlobChunks {
  private BlobChunks() {}

  /** Stores the bytes of {@code source} under {@code blobId}; their size and SHA-256. */
  static BlobInfo write(Connection c, String blobId, BlobSource source, String what)
      throws SQLException {
    MessageDigest sha = sha256();
    long size = 0;
    try (InputStream in = source.open();
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)")) {
      int seq = 0;
      while (true) {
        byte[] piece = in.readNBytes(CHUNK_BYTES);
        if (piece.length == 0) {
          break;
        }
        sha.update(piece);
        size += piece.length;
        ps.setString(1, blobId);
        ps.setInt(2, seq++);
        ps.setBytes(3, piece);
        ps.executeUpdate();
        if (piece.length < CHUNK_BYTES) {
          break;
        }
      }
    } catch (IOException e) {
      throw new RegistryStoreException(
          "cannot read the " + what + " to register: " + e.getMessage(), e);
    }
    if (size == 0) {
      throw InvalidInputException.of(what, "is empty; a " + what + " has at least 1 byte");
    }
    return new BlobInfo(HexFormat.of().formatHex(sha.digest()), size);
  }

  /** Up to {@code maxLength} bytes of a version's file from {@code offset}. */
  static byte[] read(
      Connection c, String name, long version, BlobKind kind, long offset, int maxLength)
      throws SQLException {
    String what = kind == BlobKind.ARTIFACT ? "artifact" : "report";
    String blobId;
    long size;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + what
                + "_blob_id AS blob_id, "
                + what
                + "_size_bytes AS size_bytes FROM model_versions WHERE name = ? AND version = ?")) {
      ps.setString(1, name);
      ps.setLong(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NotFoundException("model '" + name + "' has no version " + version);
        }
        blobId = rs.getString("blob_id");
        size = rs.getLong("size_bytes");
      }
    }
    if (blobId == null) {
      throw new NotFoundException("version " + version + " of model '" + name + "' has no " + what);
    }
    if (offset < 0 || offset > size) {
      throw InvalidInputException.of(
          "offset", offset + " is outside 0 to the " + what + " size " + size);
    }
    int length = (int) Math.min(maxLength, size - offset);
    byte[] out = new byte[length];
    if (length == 0) {
      return out;
    }
    long first = offset / CHUNK_BYTES;
    long last = (offset + length - 1) / CHUNK_BYTES;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq, data FROM blob_chunks WHERE blob_id = ? AND seq BETWEEN ? AND ? ORDER BY seq")) {
      ps.setString(1, blobId);
      ps.setLong(2, first);
      ps.setLong(3, last);
      int filled = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long chunkStart = rs.getLong("seq") * CHUNK_BYTES;
          byte[] data = rs.getBytes("data");
          int from = (int) Math.max(0, offset + filled - chunkStart);
          int n = Math.min(data.length - from, length - filled);
          System.arraycopy(data, from, out, filled, n);
          filled += n;
        }
      }
      if (filled != length) {
        throw new RegistryStoreException(
            "the "
                + what
                + " of version "
                + version
                + " of model '"
                + name
                + "' is incomplete in the database",
            null);
      }
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
