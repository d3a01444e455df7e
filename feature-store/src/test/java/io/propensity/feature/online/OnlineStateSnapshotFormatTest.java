package io.propensity.feature.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.UserFeatureState;
import java.io.DataOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot file format on its own: chunks decoded on several threads give exactly what one
 * thread gives, and any damage to a chunk, the header or the trailer, or a file of the previous
 * format, makes the snapshot unusable (the start then rebuilds) rather than half-read.
 */
class OnlineStateSnapshotFormatTest {
  private static final long MARK = 123_456L;
  private static Map<String, byte[]> bodies;

  @TempDir Path dir;

  @BeforeAll
  static void states() {
    // enough users for several chunks of OnlineStateSnapshot.CHUNK_TARGET bytes
    InMemoryOnlineFeatureStore store = new InMemoryOnlineFeatureStore();
    store.apply(OnlineSnapshotContract.demoEvents(4_000));
    bodies = new TreeMap<>();
    try (InMemoryOnlineFeatureStore.Capture c = store.beginCapture()) {
      c.forEach(bodies::put);
    }
  }

  private Path written() throws Exception {
    Path file = dir.resolve("online-state.snap");
    long n = OnlineStateSnapshot.write(file, MARK, consumer -> bodies.forEach(consumer));
    assertThat(n).isEqualTo(bodies.size());
    return file;
  }

  private static Map<String, byte[]> asBytes(OnlineStateSnapshot.Loaded loaded) {
    Map<String, byte[]> out = new TreeMap<>();
    loaded.states().forEach((u, s) -> out.put(u, s.toBytes()));
    return out;
  }

  @Test
  void parallelDecodeGivesWhatSequentialDecodeGives() throws Exception {
    Path file = written();
    OnlineStateSnapshot.Loaded one = OnlineStateSnapshot.read(file, 1);
    OnlineStateSnapshot.Loaded four = OnlineStateSnapshot.read(file, 4);
    assertThat(one.timings().chunks()).as("several chunks").isGreaterThan(2);
    assertThat(one.timings().threads()).isEqualTo(1);
    assertThat(four.timings().threads()).isEqualTo(4);
    assertThat(one.highWaterMark()).isEqualTo(MARK);
    assertThat(four.highWaterMark()).isEqualTo(MARK);
    assertThat(one.states()).hasSize(bodies.size());
    Map<String, byte[]> a = asBytes(one);
    Map<String, byte[]> b = asBytes(four);
    assertThat(b.keySet()).isEqualTo(a.keySet()).isEqualTo(bodies.keySet());
    for (String user : a.keySet()) {
      assertThat(b.get(user)).as(user).isEqualTo(a.get(user));
      // the body round trip loses nothing: re-encoding gives the bytes written
      assertThat(one.states().get(user).toBodyBytes()).as(user).isEqualTo(bodies.get(user));
    }
  }

  @Test
  void restoredStatesServeWhatTheOriginalServes() throws Exception {
    InMemoryOnlineFeatureStore original = new InMemoryOnlineFeatureStore();
    java.util.List<Event> events = OnlineSnapshotContract.demoEvents(300);
    original.apply(events);
    Path file = dir.resolve("small.snap");
    try (InMemoryOnlineFeatureStore.Capture c = original.beginCapture()) {
      OnlineStateSnapshot.write(file, 9, c::forEach);
    }
    InMemoryOnlineFeatureStore restored = new InMemoryOnlineFeatureStore();
    restored.restore(OnlineStateSnapshot.read(file, 3).states());
    assertThat(restored.users()).isEqualTo(original.users());
    for (String user : events.stream().map(Event::userId).distinct().toList()) {
      assertThat(restored.vectorOf(user, OnlineSnapshotContract.END))
          .as(user)
          .isEqualTo(original.vectorOf(user, OnlineSnapshotContract.END));
    }
  }

  @Test
  void aByteFlippedInsideAChunkMakesItUnusable() throws Exception {
    Path file = written();
    long size = Files.size(file);
    for (int threads : new int[] {1, 4}) {
      Path copy = dir.resolve("flipped-" + threads + ".snap");
      Files.copy(file, copy);
      flip(copy, size * 3 / 4);
      assertThatThrownBy(() -> OnlineStateSnapshot.read(copy, threads))
          .isInstanceOf(OnlineStateSnapshot.UnusableSnapshotException.class)
          .hasMessageContaining("corrupt snapshot");
    }
  }

  @Test
  void damagedHeaderTrailerOrLengthIsUnusable() throws Exception {
    Path file = written();
    long size = Files.size(file);
    // the creation time, inside the header checksum
    Path header = dir.resolve("header.snap");
    Files.copy(file, header);
    int schemaLength = FeatureCatalog.schema().versionHash().length();
    flip(header, 8 + 4 + 2 + schemaLength + 1 + 8 + 3);
    assertThatThrownBy(() -> OnlineStateSnapshot.read(header, 2))
        .hasMessageContaining("header checksum");
    // the user count in the trailer
    Path trailer = dir.resolve("trailer.snap");
    Files.copy(file, trailer);
    flip(trailer, size - 8 - 4 - 2);
    assertThatThrownBy(() -> OnlineStateSnapshot.read(trailer, 2))
        .hasMessageContaining("trailer checksum");
    // cut anywhere
    for (long cut : new long[] {10, size / 3, size - 9, size - 1}) {
      Path truncated = dir.resolve("cut-" + cut + ".snap");
      Files.copy(file, truncated);
      try (RandomAccessFile raf = new RandomAccessFile(truncated.toFile(), "rw")) {
        raf.setLength(cut);
      }
      assertThatThrownBy(() -> OnlineStateSnapshot.read(truncated, 2))
          .as("cut at %d", cut)
          .isInstanceOf(OnlineStateSnapshot.UnusableSnapshotException.class);
    }
    // bytes appended
    Path longer = dir.resolve("longer.snap");
    Files.copy(file, longer);
    Files.write(longer, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> OnlineStateSnapshot.read(longer, 2))
        .hasMessageContaining("trailing bytes");
  }

  @Test
  void aFileOfFormatVersionOneIsRejectedCleanly() throws Exception {
    // the version-1 layout: header, then per user id and toBytes() (schema hash in each)
    Path file = dir.resolve("v1.snap");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.write("PROPSNAP".getBytes(StandardCharsets.US_ASCII));
      out.writeInt(1);
      out.writeUTF(FeatureCatalog.schema().versionHash());
      out.writeByte(UserFeatureState.CODEC_VERSION);
      out.writeLong(MARK);
      out.writeLong(System.currentTimeMillis());
      out.writeInt(-1);
      out.writeLong(0);
      out.writeLong(0);
    }
    assertThatThrownBy(() -> OnlineStateSnapshot.read(file))
        .isInstanceOf(OnlineStateSnapshot.UnusableSnapshotException.class)
        .hasMessageContaining("format version 1, this version reads 2");
  }

  @Test
  void emptyStateRoundTrips() throws Exception {
    Path file = dir.resolve("empty.snap");
    assertThat(OnlineStateSnapshot.write(file, 0, consumer -> {})).isZero();
    OnlineStateSnapshot.Loaded loaded = OnlineStateSnapshot.read(file);
    assertThat(loaded.states()).isEmpty();
    assertThat(loaded.timings().chunks()).isZero();
  }

  private static void flip(Path file, long at) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x10);
    }
  }
}
