package io.propensity.bench.support;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.UserFeatureState;
import io.propensity.feature.online.OnlineStateSnapshot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * Reads the same online state in the snapshot format the service reads before and after issue 14,
 * in one JVM, so that the restore cost of the two formats is compared on one machine under one
 * load: format version 1 (one record per user with the schema hash in each state, read through one
 * checked stream, decoded on one thread; the reader is kept here as it was) against format version
 * 2 decoded on one thread and on every core.
 */
public final class SnapshotDecoders {
  private static final byte[] MAGIC = "PROPSNAP".getBytes(StandardCharsets.US_ASCII);

  private SnapshotDecoders() {}

  /**
   * Best-of-{@code repeats} read times in ms.
   *
   * @param users users in the snapshot
   * @param v1Bytes size of the same state in format version 1
   * @param v2Bytes size of the snapshot (format version 2)
   */
  public record Result(
      long users,
      long v1Bytes,
      long v2Bytes,
      double v1Ms,
      double v2OneThreadMs,
      double v2AllCoresMs,
      int cores) {}

  /**
   * Times reading {@code snapshot} (format version 2) on one thread and on every core, and the same
   * states written in format version 1 (a temporary file beside it) with the version-1 reader.
   */
  public static Result compare(Path snapshot, int repeats) throws Exception {
    Path v1 = snapshot.resolveSibling(snapshot.getFileName() + ".v1");
    long users;
    try {
      OnlineStateSnapshot.Loaded loaded = OnlineStateSnapshot.read(snapshot, 1);
      users = loaded.states().size();
      writeVersion1(v1, loaded);
      loaded = null;
      int cores = Runtime.getRuntime().availableProcessors();
      double best1 = Double.MAX_VALUE;
      double bestOne = Double.MAX_VALUE;
      double bestAll = Double.MAX_VALUE;
      for (int r = 0; r < repeats; r++) {
        System.gc();
        long t0 = System.nanoTime();
        int n1 = readVersion1(v1).size();
        best1 = Math.min(best1, (System.nanoTime() - t0) / 1e6);
        System.gc();
        t0 = System.nanoTime();
        int n2 = OnlineStateSnapshot.read(snapshot, 1).states().size();
        bestOne = Math.min(bestOne, (System.nanoTime() - t0) / 1e6);
        System.gc();
        t0 = System.nanoTime();
        int n3 = OnlineStateSnapshot.read(snapshot, cores).states().size();
        bestAll = Math.min(bestAll, (System.nanoTime() - t0) / 1e6);
        if (n1 != users || n2 != users || n3 != users) {
          throw new IllegalStateException("decoders disagree: " + n1 + ", " + n2 + ", " + n3);
        }
      }
      return new Result(
          users, Files.size(v1), Files.size(snapshot), best1, bestOne, bestAll, cores);
    } finally {
      Files.deleteIfExists(v1);
    }
  }

  /** The format-version-1 layout: header, then per user its id and {@code toBytes()}, CRC32C. */
  static void writeVersion1(Path file, OnlineStateSnapshot.Loaded loaded) throws IOException {
    CRC32C crc = new CRC32C();
    try (DataOutputStream raw =
            new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
        DataOutputStream out =
            new DataOutputStream(new java.util.zip.CheckedOutputStream(raw, crc))) {
      out.write(MAGIC);
      out.writeInt(1);
      out.writeUTF(FeatureCatalog.schema().versionHash());
      out.writeByte(UserFeatureState.CODEC_VERSION);
      out.writeLong(loaded.highWaterMark());
      out.writeLong(loaded.createdAtMs());
      for (Map.Entry<String, UserFeatureState> e : loaded.states().entrySet()) {
        byte[] id = e.getKey().getBytes(StandardCharsets.UTF_8);
        byte[] state = e.getValue().toBytes();
        out.writeInt(id.length);
        out.write(id);
        out.writeInt(state.length);
        out.write(state);
      }
      out.writeInt(-1);
      out.writeLong(loaded.states().size());
      out.flush();
      raw.writeLong(crc.getValue());
    }
  }

  /** The format-version-1 reader as it was (checks included), for the comparison. */
  static Map<String, UserFeatureState> readVersion1(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    try (InputStream raw = Files.newInputStream(file)) {
      BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 20);
      DataInputStream in = new DataInputStream(new CheckedInputStream(buffered, crc));
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC) || in.readInt() != 1) {
        throw new IOException("not a version-1 snapshot");
      }
      if (!in.readUTF().equals(FeatureCatalog.schema().versionHash())
          || in.readByte() != UserFeatureState.CODEC_VERSION) {
        throw new IOException("other schema or codec");
      }
      in.readLong();
      in.readLong();
      Map<String, UserFeatureState> states = new HashMap<>();
      while (true) {
        int idLength = in.readInt();
        if (idLength == -1) {
          break;
        }
        byte[] id = new byte[idLength];
        in.readFully(id);
        byte[] state = new byte[in.readInt()];
        in.readFully(state);
        states.put(new String(id, StandardCharsets.UTF_8), UserFeatureState.fromBytes(state));
      }
      long count = in.readLong();
      long expected = crc.getValue();
      if (new DataInputStream(buffered).readLong() != expected || count != states.size()) {
        throw new IOException("corrupt version-1 snapshot");
      }
      return states;
    }
  }
}
