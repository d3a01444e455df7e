package io.propensity.training.registry;

import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.ResourceExhaustedException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One registration arriving in pieces: the new version's metadata first, then the artifact's
 * chunks, then the report's, each checked for order and size as it arrives. The bytes are held in
 * memory until the upload completes (bounded by {@code propensity.registry.max-*-bytes}), because
 * the version is written only once all of it has arrived and checks out. Not thread-safe: one
 * upload is fed by one stream.
 */
public final class VersionUpload {
  /** Largest chunk of a file. */
  public static final int MAX_CHUNK_BYTES = 1 << 20;

  private final long maxArtifactBytes;
  private final long maxReportBytes;
  private NewModelVersion version;
  private long announcedArtifactBytes;
  private long announcedReportBytes;
  private final Chunks artifact = new Chunks("artifact_chunk");
  private final Chunks report = new Chunks("report_chunk");

  /**
   * An upload that refuses files larger than the given sizes.
   *
   * @param maxArtifactBytes largest artifact accepted
   * @param maxReportBytes largest report accepted
   */
  public VersionUpload(long maxArtifactBytes, long maxReportBytes) {
    this.maxArtifactBytes = maxArtifactBytes;
    this.maxReportBytes = maxReportBytes;
  }

  /**
   * The new version, which comes first and once; its expected artifact and report announce the
   * sizes of the files that follow.
   *
   * @param metadata the version, obtained only when it is in its place (so a misplaced one is
   *     refused for its place, not for its content)
   * @throws InvalidInputException when the version came before, or is malformed
   * @throws ResourceExhaustedException when a file is announced larger than this registry accepts
   */
  public void begin(Supplier<NewModelVersion> metadata) {
    if (version != null) {
      throw InvalidInputException.of("model_version", "is allowed in the first message only");
    }
    NewModelVersion v = metadata.get();
    long artifactBytes = v.expectedArtifact().map(BlobInfo::sizeBytes).orElse(0L);
    long reportBytes = v.expectedReport().map(BlobInfo::sizeBytes).orElse(0L);
    if (artifactBytes > maxArtifactBytes) {
      throw new ResourceExhaustedException(
          "model_version.artifact_size_bytes: "
              + artifactBytes
              + " bytes is more than the "
              + maxArtifactBytes
              + " this registry accepts (propensity.registry.max-artifact-bytes)");
    }
    if (reportBytes > maxReportBytes) {
      throw new ResourceExhaustedException(
          "model_version.report_size_bytes: "
              + reportBytes
              + " bytes is more than the "
              + maxReportBytes
              + " this registry accepts (propensity.registry.max-report-bytes)");
    }
    version = v;
    announcedArtifactBytes = artifactBytes;
    announcedReportBytes = reportBytes;
  }

  /**
   * The next piece of the artifact, which starts at {@code offset}.
   *
   * @throws InvalidInputException when it is out of place, out of order, empty, larger than {@link
   *     #MAX_CHUNK_BYTES} (the contract's 1 MiB) or goes past the announced size; a chunk's error
   *     names its index among the file's chunks, from 0
   */
  public void artifactChunk(long offset, ByteBuffer data) {
    requireBegun("artifact_chunk");
    if (report.size > 0) {
      throw InvalidInputException.of(
          "artifact_chunk",
          "came after a report_chunk; every artifact chunk comes before the report");
    }
    artifact.append(offset, data, announcedArtifactBytes, "model_version.artifact_size_bytes");
  }

  /**
   * The next piece of the report, which starts at {@code offset}.
   *
   * @throws InvalidInputException as for {@link #artifactChunk}, and when no report was announced
   */
  public void reportChunk(long offset, ByteBuffer data) {
    requireBegun("report_chunk");
    if (announcedReportBytes == 0) {
      throw InvalidInputException.of(
          "report_chunk",
          "was sent but model_version.report_size_bytes and report_sha256 are not set");
    }
    report.append(offset, data, announcedReportBytes, "model_version.report_size_bytes");
  }

  /**
   * The registration, once everything announced has arrived.
   *
   * @throws InvalidInputException when the version or some of the announced bytes never came
   */
  public Completed complete() {
    if (version == null) {
      throw InvalidInputException.of(
          "model_version", "is required in the first message; the stream was empty");
    }
    if (artifact.size != announcedArtifactBytes) {
      throw InvalidInputException.of(
          "artifact_chunk",
          artifact.size
              + " of the "
              + announcedArtifactBytes
              + " announced artifact bytes arrived");
    }
    if (report.size != announcedReportBytes) {
      throw InvalidInputException.of(
          "report_chunk",
          report.size + " of the " + announcedReportBytes + " announced report bytes arrived");
    }
    return new Completed(
        version,
        artifact.source(),
        report.size == 0 ? Optional.empty() : Optional.of(report.source()));
  }

  private void requireBegun(String field) {
    if (version == null) {
      throw InvalidInputException.of(
          field, "came before model_version; the first message carries model_version");
    }
  }

  /**
   * A complete upload, ready to register.
   *
   * @param version the version's metadata
   * @param artifact the artifact's bytes
   * @param report the report's bytes, when one was announced
   */
  public record Completed(
      NewModelVersion version, BlobSource artifact, Optional<BlobSource> report) {
    public Completed {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(artifact, "artifact");
      Objects.requireNonNull(report, "report");
    }
  }

  /** The pieces of one file so far, in order and without gaps. */
  private static final class Chunks {
    private final String field;
    private final List<ByteBuffer> pieces = new ArrayList<>();
    private long size;

    Chunks(String field) {
      this.field = field;
    }

    /**
     * Appends the next chunk; errors name it by its index among this file's chunks, e.g. {@code
     * artifact_chunk[3].data}.
     */
    void append(long offset, ByteBuffer data, long announced, String sizeField) {
      String chunk = field + "[" + pieces.size() + "]";
      if (offset != size) {
        throw InvalidInputException.of(
            chunk + ".offset",
            offset + " but " + size + " bytes came before it; chunks come in order, without gaps");
      }
      int n = data.remaining();
      if (n == 0) {
        throw InvalidInputException.of(chunk + ".data", "is empty; a chunk holds 1 byte to 1 MiB");
      }
      if (n > MAX_CHUNK_BYTES) {
        throw InvalidInputException.of(
            chunk + ".data",
            n
                + " bytes is more than the "
                + MAX_CHUNK_BYTES
                + " (1 MiB) a chunk may hold; send the file in chunks of at most 1 MiB");
      }
      if (size + n > announced) {
        throw InvalidInputException.of(
            chunk, "the bytes go past the " + announced + " announced in " + sizeField);
      }
      pieces.add(data.asReadOnlyBuffer());
      size += n;
    }

    /** The bytes as a source that can be opened any number of times. */
    BlobSource source() {
      List<ByteBuffer> frozen = List.copyOf(pieces);
      return () -> new PiecesInputStream(frozen);
    }
  }

  /** Reads a list of buffers one after the other, without copying them first. */
  private static final class PiecesInputStream extends InputStream {
    private final List<ByteBuffer> pieces;
    private int index;
    private ByteBuffer current;

    PiecesInputStream(List<ByteBuffer> pieces) {
      this.pieces = pieces;
    }

    private boolean advance() {
      while (current == null || !current.hasRemaining()) {
        if (index == pieces.size()) {
          return false;
        }
        current = pieces.get(index++).duplicate();
      }
      return true;
    }

    @Override
    public int read() {
      return advance() ? current.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!advance()) {
        return -1;
      }
      int n = Math.min(len, current.remaining());
      current.get(b, off, n);
      return n;
    }
  }
}
