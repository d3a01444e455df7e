package io.propensity.engine.features;

import io.propensity.engine.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The online feature state of one user, updated one event at a time and queried for the current
 * vector; gives exactly what {@link BatchFeatureComputer} gives for the same events.
 *
 * <p>Events may arrive late and in any order. The state keeps the events within {@link #RETENTION}
 * of the watermark (the latest event time applied) in packed form, 32 bytes each, and folds older
 * ones, whenever they arrive, into order-independent lifetime totals, which include the UTC days
 * with an event and with a purchase (about one bit per day of tenure each). Duplicates (same event
 * id) are ignored while the original is retained; a copy of an event already folded into the totals
 * would be counted again, so replays older than the retention must be deduplicated upstream
 * (feature-service stores events deduplicated by id). Not thread-safe: one writer per user.
 */
public final class UserFeatureState {

  /** How long events are kept in detail: the longest feature window. */
  public static final Duration RETENTION = FeatureWindow.DAYS_30.length().orElseThrow();

  private static final long NO_WATERMARK = Long.MIN_VALUE;

  /** Version byte of {@link #toBytes()}; bump when the layout or any feature definition changes. */
  public static final byte CODEC_VERSION = 2;

  /** The last feature schema that codec version 1 was written for; {@link #fromBytes} reads it. */
  static final String VERSION_1_SCHEMA = "21d5a4e5c9764be6";

  private final PackedEvents recent;
  private final LifetimeTotals folded;
  private long watermarkSecond = NO_WATERMARK;
  private int watermarkNano;

  /** An empty state: its vector is {@link BatchFeatureComputer#coldStart()}. */
  public UserFeatureState() {
    this(new PackedEvents(), new LifetimeTotals());
  }

  private UserFeatureState(PackedEvents recent, LifetimeTotals folded) {
    this.recent = recent;
    this.folded = folded;
  }

  /**
   * The state in a compact binary form (version byte, schema hash, watermark, lifetime totals with
   * their day histories, packed events), for keeping it outside the JVM, e.g. in Redis.
   */
  public byte[] toBytes() {
    java.io.ByteArrayOutputStream bytes =
        new java.io.ByteArrayOutputStream(160 + 32 * recent.size());
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(CODEC_VERSION);
      out.writeUTF(FeatureCatalog.schema().versionHash());
      writeBody(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The state without the version byte and schema hash that {@link #toBytes()} starts with: for
   * containers that record the codec version and feature schema once for many states (the
   * online-state snapshot). Read back with {@link #fromBody}, under this {@link #CODEC_VERSION} and
   * the current feature schema only.
   */
  public byte[] toBodyBytes() {
    java.io.ByteArrayOutputStream bytes =
        new java.io.ByteArrayOutputStream(140 + 32 * recent.size());
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      writeBody(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private void writeBody(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeLong(watermarkSecond);
    out.writeInt(watermarkNano);
    folded.writeTo(out);
    recent.writeTo(out);
  }

  /**
   * Reads a state body written by {@link #toBodyBytes()} from {@code in} (big-endian), from its
   * position to its limit, with bulk reads of the packed columns; the caller vouches that the body
   * was written by this codec version for the current feature schema.
   *
   * @throws IllegalArgumentException when the bytes are corrupt (too short, trailing bytes,
   *     impossible sizes)
   */
  public static UserFeatureState fromBody(java.nio.ByteBuffer in) {
    try {
      long second = in.getLong();
      int nano = in.getInt();
      LifetimeTotals totals = LifetimeTotals.readFrom(in);
      PackedEvents packed = PackedEvents.readFrom(in);
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("corrupt state: trailing bytes");
      }
      UserFeatureState s = new UserFeatureState(packed, totals);
      s.watermarkSecond = second;
      s.watermarkNano = nano;
      return s;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("corrupt state: truncated", e);
    }
  }

  /**
   * Reads a state written by {@link #toBytes()}: by this codec version for the current schema, or
   * by codec version 1 for schema {@value #VERSION_1_SCHEMA} (the 71 features before the day
   * history). A version-1 state knows the days of its retained events but, of the older folded
   * events, only the days of the first and last event, last cart add and last purchase (see {@link
   * LifetimeTotals#readVersion1}): features over more than 30 days read lower bounds until the
   * state is rebuilt from events, as feature-service does when the schema changes.
   *
   * @throws IllegalArgumentException when the bytes are corrupt, or were written by another codec
   *     version or feature schema (the state must then be rebuilt from events)
   */
  public static UserFeatureState fromBytes(byte[] data) {
    try (java.io.DataInputStream in =
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(data))) {
      byte version = in.readByte();
      if (version != CODEC_VERSION && version != 1) {
        throw new IllegalArgumentException(
            "state codec version " + version + ", expected " + CODEC_VERSION + " or 1");
      }
      String expected = version == 1 ? VERSION_1_SCHEMA : FeatureCatalog.schema().versionHash();
      String schema = in.readUTF();
      if (!schema.equals(expected)) {
        throw new IllegalArgumentException(
            "state written for feature schema "
                + schema
                + " with codec version "
                + version
                + ", which reads only "
                + expected
                + " (current is "
                + FeatureCatalog.schema().versionHash()
                + ")");
      }
      long second = in.readLong();
      int nano = in.readInt();
      LifetimeTotals totals =
          version == 1 ? LifetimeTotals.readVersion1(in) : LifetimeTotals.readFrom(in);
      PackedEvents packed = PackedEvents.readFrom(in);
      if (in.read() != -1) {
        throw new IllegalArgumentException("corrupt state: trailing bytes");
      }
      UserFeatureState s = new UserFeatureState(packed, totals);
      s.watermarkSecond = second;
      s.watermarkNano = nano;
      return s;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("corrupt state: " + e.getMessage(), e);
    }
  }

  /**
   * Applies one event of this user, in any order. Returns false when the event was ignored as a
   * duplicate of a retained event.
   *
   * @throws IllegalArgumentException (leaving the state unchanged) when the user's events would
   *     span more than the 32,768 UTC days a day history holds (about 89 years)
   */
  public boolean apply(Event event) {
    PackedEvents.Packed p = PackedEvents.pack(event);
    if (recent.containsId(p.fingerprint())) {
      return false;
    }
    requireDaySpanWith(p.timeMs());
    Instant t = event.occurredAt();
    if (watermarkSecond == NO_WATERMARK || t.isAfter(watermarkInstant())) {
      watermarkSecond = t.getEpochSecond();
      watermarkNano = t.getNano();
    }
    long threshold = watermarkInstant().toEpochMilli() - FeatureCalculator.RETENTION_MS;
    recent.evictUpTo(threshold, folded);
    if (p.timeMs() <= threshold) {
      folded.add(p);
    } else {
      recent.insert(p);
    }
    return true;
  }

  /**
   * The features as of {@code now}, which must not be earlier than the latest applied event time.
   *
   * @throws IllegalArgumentException when {@code now} is before the watermark
   */
  public FeatureVector vectorAsOf(Instant now) {
    if (watermarkSecond != NO_WATERMARK && now.isBefore(watermarkInstant())) {
      throw new IllegalArgumentException(
          "now " + now + " is before the latest applied event " + watermarkInstant());
    }
    LifetimeTotals life = folded.copy();
    recent.addAllTo(life);
    return FeatureCalculator.compute(recent, life, now.toEpochMilli());
  }

  private void requireDaySpanWith(long timeMs) {
    long lo = DayHistory.dayOf(timeMs);
    long hi = lo;
    if (!folded.activeDays.isEmpty()) {
      lo = Math.min(lo, folded.activeDays.first());
      hi = Math.max(hi, folded.activeDays.last());
    }
    if (recent.size() > 0) {
      lo = Math.min(lo, DayHistory.dayOf(recent.timeMs(0)));
      hi = Math.max(hi, DayHistory.dayOf(recent.timeMs(recent.size() - 1)));
    }
    DayHistory.requireSpan(lo, hi);
  }

  /** The latest event time applied, if any. */
  public Optional<Instant> watermark() {
    return watermarkSecond == NO_WATERMARK ? Optional.empty() : Optional.of(watermarkInstant());
  }

  /** Events currently kept in detail (within the retention of the watermark). */
  public int retainedEvents() {
    return recent.size();
  }

  /**
   * Approximate heap footprint in bytes (64-bit JVM, compressed oops): this object, the packed
   * events with their spare capacity, and the lifetime totals with their day histories (about one
   * bit per day from the first folded day to the last, for days with an event and with a purchase).
   */
  public long estimatedBytes() {
    long self = MemoryLayout.align(MemoryLayout.OBJECT_HEADER + 2 * MemoryLayout.REFERENCE + 8 + 4);
    return self + recent.estimatedBytes() + folded.estimatedBytes();
  }

  private Instant watermarkInstant() {
    return Instant.ofEpochSecond(watermarkSecond, watermarkNano);
  }
}
