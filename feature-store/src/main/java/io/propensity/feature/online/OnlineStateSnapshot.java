package io.propensity.feature.online;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.UserFeatureState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The file format of a snapshot of the in-memory online state, and its atomic write and checked
 * read.
 *
 * <p>Layout (big-endian): magic {@code PROPSNAP}, format version (int), feature schema hash
 * (modified UTF-8), state codec version (byte), event store high-water mark (long), creation time
 * (epoch ms, long); then one record per user: user id length (int, bytes) and UTF-8 bytes, state
 * length (int) and {@link UserFeatureState#toBytes} bytes; then -1 (int), the number of users
 * (long) and the CRC32C of every byte before it (long). Written to a temporary file, forced to
 * disk, then renamed over the previous snapshot, so a reader sees the old file or the new one,
 * never a torn one.
 */
public final class OnlineStateSnapshot {
  /** Version of this layout; bump on any change, older files are then ignored (full rebuild). */
  public static final int FORMAT_VERSION = 1;

  private static final byte[] MAGIC = "PROPSNAP".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_ID_BYTES = 1 << 16;
  private static final int MAX_STATE_BYTES = 64 << 20;
  private static final int BUFFER = 1 << 20;

  private OnlineStateSnapshot() {}

  /** What a snapshot file says, once every check has passed. */
  public record Loaded(
      long highWaterMark, long createdAtMs, Map<String, UserFeatureState> states) {}

  /** A snapshot that cannot be used: missing, corrupt, of another format or feature schema. */
  public static final class UnusableSnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnusableSnapshotException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Writes a snapshot of the states {@code users} hands out, taken at {@code highWaterMark},
   * atomically replacing {@code file}; returns the number of users written.
   */
  public static long write(
      Path file, long highWaterMark, Consumer<BiConsumer<String, byte[]>> users)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    long count;
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutputStream raw = Channels.newOutputStream(ch);
      CRC32C crc = new CRC32C();
      DataOutputStream out =
          new DataOutputStream(
              new CheckedOutputStream(new BufferedOutputStream(nonClosing(raw), BUFFER), crc));
      out.write(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(FeatureCatalog.schema().versionHash());
      out.writeByte(UserFeatureState.CODEC_VERSION);
      out.writeLong(highWaterMark);
      out.writeLong(System.currentTimeMillis());
      long[] n = new long[1];
      IOException[] failure = new IOException[1];
      users.accept(
          (user, state) -> {
            if (failure[0] != null) {
              return;
            }
            try {
              byte[] id = user.getBytes(StandardCharsets.UTF_8);
              out.writeInt(id.length);
              out.write(id);
              out.writeInt(state.length);
              out.write(state);
              n[0]++;
            } catch (IOException e) {
              failure[0] = e;
            }
          });
      if (failure[0] != null) {
        throw failure[0];
      }
      out.writeInt(-1);
      out.writeLong(n[0]);
      out.flush();
      // the checksum itself is outside what it covers
      DataOutputStream tail = new DataOutputStream(nonClosing(raw));
      tail.writeLong(crc.getValue());
      tail.flush();
      ch.force(true);
      count = n[0];
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    forceDirectory(dir);
    return count;
  }

  /**
   * Reads and checks a snapshot: magic, format version, feature schema and state codec version,
   * every record, the user count and the checksum.
   *
   * @throws UnusableSnapshotException with a reason a person can read when any check fails
   */
  public static Loaded read(Path file) throws UnusableSnapshotException {
    if (!Files.isRegularFile(file)) {
      throw new UnusableSnapshotException("no snapshot at " + file, null);
    }
    CRC32C crc = new CRC32C();
    try (InputStream raw = Files.newInputStream(file)) {
      BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
      DataInputStream in = new DataInputStream(new CheckedInputStream(buffered, crc));
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new UnusableSnapshotException("not an online-state snapshot (bad magic)", null);
      }
      int format = in.readInt();
      if (format != FORMAT_VERSION) {
        throw new UnusableSnapshotException(
            "snapshot format version " + format + ", this version reads " + FORMAT_VERSION, null);
      }
      String schema = in.readUTF();
      String current = FeatureCatalog.schema().versionHash();
      if (!schema.equals(current)) {
        throw new UnusableSnapshotException(
            "snapshot written for feature schema " + schema + ", current is " + current, null);
      }
      byte codec = in.readByte();
      if (codec != UserFeatureState.CODEC_VERSION) {
        throw new UnusableSnapshotException(
            "snapshot holds state codec version "
                + codec
                + ", current is "
                + UserFeatureState.CODEC_VERSION,
            null);
      }
      long mark = in.readLong();
      long created = in.readLong();
      Map<String, UserFeatureState> states = new HashMap<>();
      while (true) {
        int idLength = in.readInt();
        if (idLength == -1) {
          break;
        }
        if (idLength < 0 || idLength > MAX_ID_BYTES) {
          throw new UnusableSnapshotException("corrupt snapshot: user id length " + idLength, null);
        }
        byte[] id = new byte[idLength];
        in.readFully(id);
        int stateLength = in.readInt();
        if (stateLength < 0 || stateLength > MAX_STATE_BYTES) {
          throw new UnusableSnapshotException(
              "corrupt snapshot: state length " + stateLength, null);
        }
        byte[] state = new byte[stateLength];
        in.readFully(state);
        String user = new String(id, StandardCharsets.UTF_8);
        try {
          states.put(user, UserFeatureState.fromBytes(state));
        } catch (IllegalArgumentException e) {
          throw new UnusableSnapshotException(
              "corrupt snapshot: state of user " + user + ": " + e.getMessage(), e);
        }
      }
      long count = in.readLong();
      long expected = crc.getValue();
      long stored = new DataInputStream(buffered).readLong();
      if (stored != expected) {
        throw new UnusableSnapshotException("corrupt snapshot: checksum mismatch", null);
      }
      if (buffered.read() != -1) {
        throw new UnusableSnapshotException("corrupt snapshot: trailing bytes", null);
      }
      if (count != states.size()) {
        throw new UnusableSnapshotException(
            "corrupt snapshot: " + states.size() + " users read, " + count + " announced", null);
      }
      return new Loaded(mark, created, states);
    } catch (EOFException e) {
      throw new UnusableSnapshotException("corrupt snapshot: truncated", e);
    } catch (IOException e) {
      throw new UnusableSnapshotException("cannot read snapshot: " + e.getMessage(), e);
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  private static void forceDirectory(Path dir) {
    // Makes the rename durable; not every platform can open a directory, which then only risks
    // finding the previous snapshot after a power loss.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }
}
