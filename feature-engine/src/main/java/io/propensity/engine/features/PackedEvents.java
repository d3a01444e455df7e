package io.propensity.engine.features;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.Fingerprints;
import io.propensity.engine.session.Sessionizer;
import java.util.Comparator;
import java.util.List;

/**
 * Events in canonical order, in a compact column form shared by the batch path and the online state
 * so that both read exactly the same numbers. Per event: one long (48-bit event-id fingerprint,
 * type, device, channel) and six ints (time as an unsigned millisecond offset from a base, given
 * dwell, value in cents, and 32-bit fingerprints of item, category and session id; 0 means absent):
 * 32 bytes.
 *
 * <p>All events held must lie within 2^32 ms (49.7 days) of each other; both users keep at most 30
 * days. Mutable, not thread-safe, package-private.
 */
final class PackedEvents {

  /** One event in packed form, before it is stored. */
  record Packed(
      long timeMs, long idFlags, int dwellMs, int valueCents, int item, int category, int session) {

    static final Comparator<Packed> ORDER =
        Comparator.comparingLong(Packed::timeMs).thenComparingLong(Packed::fingerprint);

    long fingerprint() {
      return idFlags >>> 16;
    }

    int type() {
      return (int) ((idFlags >>> 6) & 7);
    }
  }

  private static final int COLS = 6;
  private static final int TIME = 0;
  private static final int DWELL = 1;
  private static final int VALUE = 2;
  private static final int ITEM = 3;
  private static final int CATEGORY = 4;
  private static final int SESSION = 5;
  private static final long MAX_OFFSET = 0xFFFF_FFFFL;

  private long baseMs;
  private long[] idFlags = new long[0];
  private int[] cols = new int[0];
  private int size;

  /** The packed form of an event; out-of-range values are cut here so both paths agree. */
  static Packed pack(Event e) {
    long fp = Fingerprints.eventId48(e.eventId());
    int device = DeviceClass.of(e.device()).ordinal();
    int channel = TrafficChannel.of(e.trafficSource()).ordinal();
    long flags = (fp << 16) | ((long) e.type().ordinal() << 6) | ((long) device << 3) | channel;
    return new Packed(
        e.occurredAt().toEpochMilli(),
        flags,
        Sessionizer.givenDwellMillis(e.dwell()),
        valueCents(e),
        e.itemId().map(Fingerprints::of32).orElse(0),
        e.category().map(Fingerprints::of32).orElse(0),
        e.sessionId().map(Fingerprints::of32).orElse(0));
  }

  /** Price x quantity in whole cents, from 0 to Integer.MAX_VALUE; 0 without a usable price. */
  static int valueCents(Event e) {
    if (e.price().isEmpty()) {
      return 0;
    }
    double p = e.price().getAsDouble();
    if (!Double.isFinite(p) || p <= 0 || e.quantity() <= 0) {
      return 0;
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.round(p * e.quantity() * 100.0));
  }

  /** Holds these rows, which must already be in {@link Packed#ORDER} and without duplicate ids. */
  static PackedEvents ofSorted(List<Packed> rows) {
    PackedEvents p = new PackedEvents();
    p.idFlags = new long[rows.size()];
    p.cols = new int[rows.size() * COLS];
    p.baseMs = rows.isEmpty() ? 0 : rows.get(0).timeMs();
    for (Packed r : rows) {
      p.write(p.size++, r);
    }
    return p;
  }

  int size() {
    return size;
  }

  long timeMs(int i) {
    return baseMs + (cols[i * COLS + TIME] & MAX_OFFSET);
  }

  long fingerprint(int i) {
    return idFlags[i] >>> 16;
  }

  int type(int i) {
    return (int) ((idFlags[i] >>> 6) & 7);
  }

  int device(int i) {
    return (int) ((idFlags[i] >>> 3) & 7);
  }

  int channel(int i) {
    return (int) (idFlags[i] & 7);
  }

  int givenDwellMs(int i) {
    return cols[i * COLS + DWELL];
  }

  int valueCents(int i) {
    return cols[i * COLS + VALUE];
  }

  int item(int i) {
    return cols[i * COLS + ITEM];
  }

  int category(int i) {
    return cols[i * COLS + CATEGORY];
  }

  int session(int i) {
    return cols[i * COLS + SESSION];
  }

  /** Index of the first event later than {@code ms} (size when none). */
  int firstAfter(long ms) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (timeMs(mid) > ms) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  boolean containsId(long fingerprint) {
    for (int i = 0; i < size; i++) {
      if (fingerprint(i) == fingerprint) {
        return true;
      }
    }
    return false;
  }

  /** Inserts in canonical order; the caller has checked the id is new. */
  void insert(Packed p) {
    rebaseFor(p.timeMs());
    int pos = insertionPoint(p);
    if (size == idFlags.length) {
      resize(size + Math.max(2, size / 8) + 1);
    }
    System.arraycopy(idFlags, pos, idFlags, pos + 1, size - pos);
    System.arraycopy(cols, pos * COLS, cols, (pos + 1) * COLS, (size - pos) * COLS);
    write(pos, p);
    size++;
  }

  /** Removes the events at or before {@code thresholdMs}, folding them into {@code into}. */
  void evictUpTo(long thresholdMs, LifetimeTotals into) {
    int k = firstAfter(thresholdMs);
    if (k == 0) {
      return;
    }
    for (int i = 0; i < k; i++) {
      into.add(type(i), timeMs(i), valueCents(i));
    }
    System.arraycopy(idFlags, k, idFlags, 0, size - k);
    System.arraycopy(cols, k * COLS, cols, 0, (size - k) * COLS);
    size -= k;
    if (idFlags.length - size > Math.max(4, size / 4)) {
      resize(size);
    }
  }

  void addAllTo(LifetimeTotals into) {
    for (int i = 0; i < size; i++) {
      into.add(type(i), timeMs(i), valueCents(i));
    }
  }

  /** This object and its two arrays, capacity included. */
  long estimatedBytes() {
    long self = MemoryLayout.align(MemoryLayout.OBJECT_HEADER + 8 + 2 * MemoryLayout.REFERENCE + 4);
    return self + MemoryLayout.longArray(idFlags.length) + MemoryLayout.intArray(cols.length);
  }

  private int insertionPoint(Packed p) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      long t = timeMs(mid);
      boolean before = t < p.timeMs() || (t == p.timeMs() && fingerprint(mid) < p.fingerprint());
      if (before) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void rebaseFor(long timeMs) {
    if (size == 0) {
      baseMs = timeMs;
      return;
    }
    long lo = Math.min(timeMs(0), timeMs);
    long hi = Math.max(timeMs(size - 1), timeMs);
    if (hi - lo > MAX_OFFSET) {
      throw new IllegalStateException("packed events span more than 2^32 ms");
    }
    if (lo < baseMs || hi - baseMs > MAX_OFFSET) {
      long[] times = new long[size];
      for (int i = 0; i < size; i++) {
        times[i] = timeMs(i);
      }
      baseMs = lo;
      for (int i = 0; i < size; i++) {
        cols[i * COLS + TIME] = (int) (times[i] - baseMs);
      }
    }
  }

  private void resize(int capacity) {
    long[] f = new long[capacity];
    int[] c = new int[capacity * COLS];
    System.arraycopy(idFlags, 0, f, 0, size);
    System.arraycopy(cols, 0, c, 0, size * COLS);
    idFlags = f;
    cols = c;
  }

  private void write(int i, Packed p) {
    long offset = p.timeMs() - baseMs;
    if (offset < 0 || offset > MAX_OFFSET) {
      throw new IllegalStateException("event time outside the packed range");
    }
    idFlags[i] = p.idFlags();
    int c = i * COLS;
    cols[c + TIME] = (int) offset;
    cols[c + DWELL] = p.dwellMs();
    cols[c + VALUE] = p.valueCents();
    cols[c + ITEM] = p.item();
    cols[c + CATEGORY] = p.category();
    cols[c + SESSION] = p.session();
  }

  /** Writes this table in the state codec's layout (see {@link UserFeatureState#toBytes()}). */
  void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeLong(baseMs);
    out.writeInt(size);
    for (int i = 0; i < size; i++) {
      out.writeLong(idFlags[i]);
    }
    for (int i = 0; i < size * COLS; i++) {
      out.writeInt(cols[i]);
    }
  }

  /** Reads a table written by {@link #writeTo} from {@code in} (big-endian), in bulk. */
  static PackedEvents readFrom(java.nio.ByteBuffer in) {
    PackedEvents p = new PackedEvents();
    p.baseMs = in.getLong();
    int n = in.getInt();
    if (n < 0 || (long) n * (8 + 4 * COLS) > in.remaining()) {
      throw new IllegalArgumentException("corrupt state: " + n + " packed events");
    }
    p.idFlags = new long[n];
    p.cols = new int[n * COLS];
    in.asLongBuffer().get(p.idFlags);
    in.position(in.position() + 8 * n);
    in.asIntBuffer().get(p.cols);
    in.position(in.position() + 4 * n * COLS);
    p.size = n;
    return p;
  }

  /** Reads a table written by {@link #writeTo}. */
  static PackedEvents readFrom(java.io.DataInputStream in) throws java.io.IOException {
    PackedEvents p = new PackedEvents();
    p.baseMs = in.readLong();
    int n = in.readInt();
    if (n < 0 || n > 10_000_000) {
      throw new java.io.IOException("corrupt state: " + n + " packed events");
    }
    p.resize(n);
    for (int i = 0; i < n; i++) {
      p.idFlags[i] = in.readLong();
    }
    for (int i = 0; i < n * COLS; i++) {
      p.cols[i] = in.readInt();
    }
    p.size = n;
    return p;
  }
}
