package io.propensity.engine.event;

import java.nio.charset.StandardCharsets;

/**
 * Stable 64-, 48- and 32-bit fingerprints of identifiers, identical on every JVM and release.
 *
 * <p>Hand-written (FNV-1a over UTF-8, then the MurmurHash3 64-bit finalizer) rather than taken from
 * a library because the values are part of the feature definition: they fix the tie order of events
 * in the same millisecond and the identity of items, categories and sessions in the compact online
 * state, so they must never change. {@code FingerprintsTest} pins a few values.
 */
public final class Fingerprints {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Fingerprints() {}

  /** A well-mixed 64-bit fingerprint of {@code s}. */
  public static long of64(String s) {
    long h = FNV_OFFSET;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= FNV_PRIME;
    }
    return mix(h);
  }

  /**
   * The 48-bit event-id fingerprint (non-negative): the tie-break of the canonical event order and
   * the deduplication key of the online state.
   */
  public static long eventId48(String eventId) {
    return of64(eventId) >>> 16;
  }

  /** A non-zero 32-bit fingerprint; zero is reserved for "absent" in packed columns. */
  public static int of32(String s) {
    long h = of64(s);
    int v = (int) (h ^ (h >>> 32));
    return v == 0 ? 1 : v;
  }

  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
