package io.propensity.feature.online;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.UserFeatureState;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The file format of a snapshot of the in-memory online state, and its atomic write and checked,
 * parallel read.
 *
 * <p>Layout (format version 2, big-endian):
 *
 * <ul>
 *   <li>header: magic {@code PROPSNAP}, format version (int), feature schema hash (modified UTF-8),
 *       state codec version (byte), event store high-water mark (long), creation time (epoch ms,
 *       long), then the CRC32C of those bytes (long);
 *   <li>chunks of about {@value #CHUNK_TARGET} bytes, each: its user count (int, &gt; 0), its
 *       payload length (int), the payload, and the CRC32C of the payload (long). A payload holds
 *       one record per user: user id length (unsigned short, bytes), UTF-8 bytes, state length
 *       (int) and {@link UserFeatureState#toBodyBytes} bytes (the schema hash and codec version are
 *       in the header, once);
 *   <li>trailer: -1 (int), the number of users (long), the number of chunks (int), and the CRC32C
 *       of the header's checksum, every chunk's checksum and these trailer fields (long); then the
 *       end of the file.
 * </ul>
 *
 * <p>Chunks are independent, so a reader locates them with one small read each and decodes them on
 * every core. Written to a temporary file, forced to disk, then renamed over the previous snapshot,
 * so a reader sees the old file or the new one, never a torn one. Files of format version 1 (one
 * schema hash per user, one checksum per file) are rejected like any other version: the start
 * rebuilds from events and the next snapshot is written in this format.
 */
public final class OnlineStateSnapshot {
  /** Version of this layout; bump on any change, older files are then ignored (full rebuild). */
  public static final int FORMAT_VERSION = 2;

  /** Payload bytes after which a chunk is closed. */
  static final int CHUNK_TARGET = 1 << 20;

  private static final byte[] MAGIC = "PROPSNAP".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_ID_BYTES = 0xFFFF;
  private static final int MAX_STATE_BYTES = 64 << 20;
  private static final int MAX_CHUNK_BYTES = 256 << 20;
  private static final int BUFFER = 1 << 20;

  private OnlineStateSnapshot() {}

  /**
   * What a snapshot file says, once every check has passed.
   *
   * @param timings where the read spent its time
   */
  public record Loaded(
      long highWaterMark,
      long createdAtMs,
      Map<String, UserFeatureState> states,
      ReadTimings timings) {

    public Loaded(long highWaterMark, long createdAtMs, Map<String, UserFeatureState> states) {
      this(highWaterMark, createdAtMs, states, new ReadTimings(0, 0, 0, 1, 0));
    }
  }

  /**
   * Where reading a snapshot spent its time.
   *
   * @param indexMs reading and checking the header, locating the chunks, checking the trailer
   * @param decodeMs reading, checksumming and decoding the chunks (wall clock, every thread)
   * @param bytes the file's size
   * @param threads threads that decoded chunks
   * @param chunks chunks in the file
   */
  public record ReadTimings(long indexMs, long decodeMs, long bytes, int threads, int chunks) {}

  /** A snapshot that cannot be used: missing, corrupt, of another format or feature schema. */
  public static final class UnusableSnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnusableSnapshotException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Writes a snapshot of the states {@code users} hands out ({@link UserFeatureState#toBodyBytes}
   * bytes per user), taken at {@code highWaterMark}, atomically replacing {@code file}; returns the
   * number of users written.
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
      DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(nonClosing(Channels.newOutputStream(ch)), BUFFER));
      CRC32C trailerCrc = new CRC32C();
      java.io.ByteArrayOutputStream headerBytes = new java.io.ByteArrayOutputStream();
      DataOutputStream header = new DataOutputStream(headerBytes);
      header.write(MAGIC);
      header.writeInt(FORMAT_VERSION);
      header.writeUTF(FeatureCatalog.schema().versionHash());
      header.writeByte(UserFeatureState.CODEC_VERSION);
      header.writeLong(highWaterMark);
      header.writeLong(System.currentTimeMillis());
      header.flush();
      byte[] h = headerBytes.toByteArray();
      out.write(h);
      long headerCrc = crcOf(h, 0, h.length);
      out.writeLong(headerCrc);
      updateLong(trailerCrc, headerCrc);
      ChunkWriter chunks = new ChunkWriter(out, trailerCrc);
      IOException[] failure = new IOException[1];
      users.accept(
          (user, state) -> {
            if (failure[0] != null) {
              return;
            }
            try {
              chunks.add(user, state);
            } catch (IOException e) {
              failure[0] = e;
            }
          });
      if (failure[0] != null) {
        throw failure[0];
      }
      chunks.flush();
      java.nio.ByteBuffer trailer = java.nio.ByteBuffer.allocate(4 + 8 + 4);
      trailer.putInt(-1).putLong(chunks.users).putInt(chunks.chunks);
      trailerCrc.update(trailer.array());
      out.write(trailer.array());
      out.writeLong(trailerCrc.getValue());
      out.flush();
      ch.force(true);
      count = chunks.users;
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

  /** Collects user records into chunks and writes each chunk once it is full. */
  private static final class ChunkWriter {
    private final DataOutputStream out;
    private final CRC32C trailerCrc;
    private final java.io.ByteArrayOutputStream bytes =
        new java.io.ByteArrayOutputStream(CHUNK_TARGET + (64 << 10));
    private final DataOutputStream payload = new DataOutputStream(bytes);
    private int inChunk;
    long users;
    int chunks;

    ChunkWriter(DataOutputStream out, CRC32C trailerCrc) {
      this.out = out;
      this.trailerCrc = trailerCrc;
    }

    void add(String user, byte[] state) throws IOException {
      byte[] id = user.getBytes(StandardCharsets.UTF_8);
      if (id.length > MAX_ID_BYTES) {
        throw new IOException("user id of " + id.length + " bytes cannot be snapshotted");
      }
      payload.writeShort(id.length);
      payload.write(id);
      payload.writeInt(state.length);
      payload.write(state);
      inChunk++;
      users++;
      if (bytes.size() >= CHUNK_TARGET) {
        flush();
      }
    }

    void flush() throws IOException {
      if (inChunk == 0) {
        return;
      }
      byte[] p = bytes.toByteArray();
      out.writeInt(inChunk);
      out.writeInt(p.length);
      out.write(p);
      long crc = crcOf(p, 0, p.length);
      out.writeLong(crc);
      updateLong(trailerCrc, crc);
      chunks++;
      inChunk = 0;
      bytes.reset();
    }
  }

  /**
   * Reads and checks a snapshot, decoding its chunks on every available core; see {@link
   * #read(Path, int)}.
   */
  public static Loaded read(Path file) throws UnusableSnapshotException {
    return read(file, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Reads and checks a snapshot: magic, format version, header checksum, feature schema and state
   * codec version, every chunk's checksum and records, the user and chunk counts and the trailer
   * checksum. Chunks are decoded by {@code threads} threads (1: on the caller's thread); the result
   * does not depend on it.
   *
   * @throws UnusableSnapshotException with a reason a person can read when any check fails
   */
  public static Loaded read(Path file, int threads) throws UnusableSnapshotException {
    if (!Files.isRegularFile(file)) {
      throw new UnusableSnapshotException("no snapshot at " + file, null);
    }
    long t0 = System.nanoTime();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      Header header = readHeader(ch, size);
      CRC32C trailerCrc = new CRC32C();
      updateLong(trailerCrc, header.crc);
      // Locate the chunks: one small read per chunk.
      List<long[]> chunks = new ArrayList<>();
      long pos = header.length;
      java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(8);
      long announcedUsers = 0;
      while (true) {
        readFully(ch, head.clear().limit(4), pos);
        int users = head.getInt(0);
        if (users == -1) {
          break;
        }
        readFully(ch, head.clear(), pos);
        int length = head.getInt(4);
        if (users <= 0 || length < 0 || length > MAX_CHUNK_BYTES || pos + 8 + length + 8 > size) {
          throw new UnusableSnapshotException(
              "corrupt snapshot: chunk "
                  + chunks.size()
                  + " at byte "
                  + pos
                  + " announces "
                  + users
                  + " users in "
                  + length
                  + " bytes (file of "
                  + size
                  + " bytes)",
              null);
        }
        chunks.add(new long[] {pos + 8, length, users});
        announcedUsers += users;
        pos += 8 + length + 8;
      }
      java.nio.ByteBuffer trailer = java.nio.ByteBuffer.allocate(4 + 8 + 4 + 8);
      if (size - pos != trailer.capacity()) {
        throw new UnusableSnapshotException(
            size - pos < trailer.capacity()
                ? "corrupt snapshot: truncated"
                : "corrupt snapshot: trailing bytes",
            null);
      }
      readFully(ch, trailer, pos);
      long users = trailer.getLong(4);
      int chunkCount = trailer.getInt(12);
      // every chunk's checksum, in order, then the trailer fields
      java.nio.ByteBuffer crcs = java.nio.ByteBuffer.allocate(8);
      for (long[] c : chunks) {
        readFully(ch, crcs.clear(), c[0] + c[1]);
        trailerCrc.update(crcs.array());
      }
      trailerCrc.update(trailer.array(), 0, 16);
      if (trailerCrc.getValue() != trailer.getLong(16)) {
        throw new UnusableSnapshotException("corrupt snapshot: trailer checksum mismatch", null);
      }
      if (chunkCount != chunks.size() || users != announcedUsers) {
        throw new UnusableSnapshotException(
            "corrupt snapshot: "
                + chunks.size()
                + " chunks of "
                + announcedUsers
                + " users found, the trailer says "
                + chunkCount
                + " chunks of "
                + users
                + " users",
            null);
      }
      long t1 = System.nanoTime();
      int workers = Math.max(1, Math.min(threads, chunks.size()));
      ConcurrentHashMap<String, UserFeatureState> states =
          new ConcurrentHashMap<>((int) Math.min(Integer.MAX_VALUE / 2, users * 4 / 3 + 16));
      decodeAll(ch, chunks, states, workers);
      if (states.size() != users) {
        throw new UnusableSnapshotException(
            "corrupt snapshot: " + states.size() + " distinct users read, " + users + " announced",
            null);
      }
      long t2 = System.nanoTime();
      return new Loaded(
          header.mark,
          header.created,
          states,
          new ReadTimings(
              (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, size, workers, chunks.size()));
    } catch (EOFException e) {
      throw new UnusableSnapshotException("corrupt snapshot: truncated", e);
    } catch (IOException e) {
      throw new UnusableSnapshotException("cannot read snapshot: " + e.getMessage(), e);
    }
  }

  private record Header(int length, long crc, long mark, long created) {}

  private static Header readHeader(FileChannel ch, long size)
      throws IOException, UnusableSnapshotException {
    int max = (int) Math.min(size, 4096);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(max);
    readFully(ch, b, 0);
    b.flip();
    try {
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new UnusableSnapshotException("not an online-state snapshot (bad magic)", null);
      }
      int format = b.getInt();
      if (format != FORMAT_VERSION) {
        throw new UnusableSnapshotException(
            "snapshot format version " + format + ", this version reads " + FORMAT_VERSION, null);
      }
      int schemaLength = Short.toUnsignedInt(b.getShort());
      byte[] schemaBytes = new byte[schemaLength];
      b.get(schemaBytes);
      byte codec = b.get();
      long mark = b.getLong();
      long created = b.getLong();
      int length = b.position();
      long crc = b.getLong();
      if (crc != crcOf(b.array(), 0, length)) {
        throw new UnusableSnapshotException("corrupt snapshot: header checksum mismatch", null);
      }
      String schema = new String(schemaBytes, StandardCharsets.UTF_8);
      String current = FeatureCatalog.schema().versionHash();
      if (!schema.equals(current)) {
        throw new UnusableSnapshotException(
            "snapshot written for feature schema " + schema + ", current is " + current, null);
      }
      if (codec != UserFeatureState.CODEC_VERSION) {
        throw new UnusableSnapshotException(
            "snapshot holds state codec version "
                + codec
                + ", current is "
                + UserFeatureState.CODEC_VERSION,
            null);
      }
      return new Header(length + 8, crc, mark, created);
    } catch (java.nio.BufferUnderflowException e) {
      throw new UnusableSnapshotException("corrupt snapshot: truncated header", e);
    }
  }

  private static void decodeAll(
      FileChannel ch,
      List<long[]> chunks,
      ConcurrentHashMap<String, UserFeatureState> states,
      int workers)
      throws IOException, UnusableSnapshotException {
    if (workers == 1) {
      for (int i = 0; i < chunks.size(); i++) {
        decodeChunk(ch, i, chunks.get(i), states);
      }
      return;
    }
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Exception> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread[] pool = new Thread[workers];
    for (int w = 0; w < workers; w++) {
      pool[w] =
          new Thread(
              () -> {
                int i;
                while (failed.get() == null && (i = next.getAndIncrement()) < chunks.size()) {
                  try {
                    decodeChunk(ch, i, chunks.get(i), states);
                  } catch (Exception | OutOfMemoryError e) {
                    failed.compareAndSet(
                        null, e instanceof Exception x ? x : new IOException(e.toString(), e));
                  }
                }
              },
              "snapshot-decode-" + w);
      pool[w].setDaemon(true);
      pool[w].start();
    }
    for (Thread t : pool) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.compareAndSet(null, new IOException("interrupted while decoding the snapshot"));
      }
    }
    Exception e = failed.get();
    if (e instanceof UnusableSnapshotException u) {
      throw u;
    }
    if (e instanceof IOException io) {
      throw io;
    }
    if (e != null) {
      throw new UnusableSnapshotException("cannot decode snapshot: " + e, e);
    }
  }

  private static void decodeChunk(
      FileChannel ch, int index, long[] chunk, ConcurrentHashMap<String, UserFeatureState> states)
      throws IOException, UnusableSnapshotException {
    int length = (int) chunk[1];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(length + 8);
    readFully(ch, b, chunk[0]);
    byte[] a = b.array();
    if (crcOf(a, 0, length) != b.getLong(length)) {
      throw new UnusableSnapshotException(
          "corrupt snapshot: checksum mismatch in chunk " + index, null);
    }
    b.clear().limit(length);
    long users = chunk[2];
    try {
      for (long u = 0; u < users; u++) {
        int idLength = Short.toUnsignedInt(b.getShort());
        String user = new String(a, b.position(), idLength, StandardCharsets.UTF_8);
        b.position(b.position() + idLength);
        int stateLength = b.getInt();
        if (stateLength < 0 || stateLength > Math.min(MAX_STATE_BYTES, b.remaining())) {
          throw new UnusableSnapshotException(
              "corrupt snapshot: state length " + stateLength + " in chunk " + index, null);
        }
        int end = b.position() + stateLength;
        java.nio.ByteBuffer body = b.slice(b.position(), stateLength);
        UserFeatureState state;
        try {
          state = UserFeatureState.fromBody(body);
        } catch (IllegalArgumentException e) {
          throw new UnusableSnapshotException(
              "corrupt snapshot: state of user " + user + ": " + e.getMessage(), e);
        }
        if (states.putIfAbsent(user, state) != null) {
          throw new UnusableSnapshotException(
              "corrupt snapshot: user " + user + " appears twice", null);
        }
        b.position(end);
      }
      if (b.hasRemaining()) {
        throw new UnusableSnapshotException(
            "corrupt snapshot: trailing bytes in chunk " + index, null);
      }
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new UnusableSnapshotException("corrupt snapshot: chunk " + index + " truncated", e);
    }
  }

  private static void readFully(FileChannel ch, java.nio.ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new EOFException();
      }
      pos += n;
    }
  }

  private static long crcOf(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    return crc.getValue();
  }

  private static void updateLong(CRC32C crc, long v) {
    crc.update(java.nio.ByteBuffer.allocate(8).putLong(0, v).array());
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
