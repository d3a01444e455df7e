package io.propensity.engine.features;

import io.propensity.engine.event.EventType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Order-independent totals over every event at or before the cutoff: whole-number sums, min/max
 * times and the sets of UTC days with an event and with a purchase, so the online state can fold
 * evicted and late events into them in any order and still match the batch path bit for bit.
 * Mutable, package-private.
 */
final class LifetimeTotals {

  static final long NONE_FIRST = Long.MAX_VALUE;
  static final long NONE_LAST = Long.MIN_VALUE;

  long events;
  long productViews;
  long cartAdds;
  long purchases;
  long monetaryCents;
  long firstMs = NONE_FIRST;
  long lastMs = NONE_LAST;
  long lastPurchaseMs = NONE_LAST;
  long lastCartAddMs = NONE_LAST;
  long firstPurchaseMs = NONE_FIRST;

  /** UTC days with at least one event. */
  DayHistory activeDays = new DayHistory();

  /** UTC days with at least one purchase. */
  DayHistory purchaseDays = new DayHistory();

  void add(int type, long timeMs, int valueCents) {
    long day = DayHistory.dayOf(timeMs);
    activeDays.add(day);
    events++;
    firstMs = Math.min(firstMs, timeMs);
    lastMs = Math.max(lastMs, timeMs);
    if (type == EventType.PRODUCT_VIEW.ordinal()) {
      productViews++;
    } else if (type == EventType.ADD_TO_CART.ordinal()) {
      cartAdds++;
      lastCartAddMs = Math.max(lastCartAddMs, timeMs);
    } else if (type == EventType.PURCHASE.ordinal()) {
      purchaseDays.add(day);
      purchases++;
      monetaryCents += valueCents;
      lastPurchaseMs = Math.max(lastPurchaseMs, timeMs);
      firstPurchaseMs = Math.min(firstPurchaseMs, timeMs);
    }
  }

  void add(PackedEvents.Packed p) {
    add(p.type(), p.timeMs(), p.valueCents());
  }

  LifetimeTotals copy() {
    LifetimeTotals c = new LifetimeTotals();
    c.events = events;
    c.productViews = productViews;
    c.cartAdds = cartAdds;
    c.purchases = purchases;
    c.monetaryCents = monetaryCents;
    c.firstMs = firstMs;
    c.lastMs = lastMs;
    c.lastPurchaseMs = lastPurchaseMs;
    c.lastCartAddMs = lastCartAddMs;
    c.firstPurchaseMs = firstPurchaseMs;
    c.activeDays = activeDays.copy();
    c.purchaseDays = purchaseDays.copy();
    return c;
  }

  /**
   * Size assuming a 64-bit JVM with compressed oops: 12-byte header, 10 longs and 2 references,
   * aligned, plus the two day histories (about one bit per day of tenure each).
   */
  long estimatedBytes() {
    return MemoryLayout.align(MemoryLayout.OBJECT_HEADER + 10 * 8L + 2 * MemoryLayout.REFERENCE)
        + activeDays.estimatedBytes()
        + purchaseDays.estimatedBytes();
  }

  /** Writes the totals in the layout of state codec version 2. */
  void writeTo(DataOutputStream out) throws IOException {
    for (long v :
        new long[] {
          events,
          productViews,
          cartAdds,
          purchases,
          monetaryCents,
          firstMs,
          lastMs,
          lastPurchaseMs,
          lastCartAddMs,
          firstPurchaseMs
        }) {
      out.writeLong(v);
    }
    activeDays.writeTo(out);
    purchaseDays.writeTo(out);
  }

  /** Reads totals written by {@link #writeTo} (state codec version 2) from {@code in}. */
  static LifetimeTotals readFrom(java.nio.ByteBuffer in) {
    LifetimeTotals t = new LifetimeTotals();
    t.events = in.getLong();
    t.productViews = in.getLong();
    t.cartAdds = in.getLong();
    t.purchases = in.getLong();
    t.monetaryCents = in.getLong();
    t.firstMs = in.getLong();
    t.lastMs = in.getLong();
    t.lastPurchaseMs = in.getLong();
    t.lastCartAddMs = in.getLong();
    t.firstPurchaseMs = in.getLong();
    t.activeDays = DayHistory.readFrom(in);
    t.purchaseDays = DayHistory.readFrom(in);
    return t;
  }

  /** Reads totals written by {@link #writeTo} (state codec version 2). */
  static LifetimeTotals readFrom(DataInputStream in) throws IOException {
    LifetimeTotals t = readCounts(in);
    t.firstPurchaseMs = in.readLong();
    t.activeDays = DayHistory.readFrom(in);
    t.purchaseDays = DayHistory.readFrom(in);
    return t;
  }

  /**
   * Reads totals written by state codec version 1, which kept no days and no first purchase. What
   * they imply is restored: the days of the first event, the last event, the last cart add and the
   * last purchase (also a purchase day), and the last purchase stands for the first. Days of other
   * folded events are unknown, so the day-history features read lower bounds (and the first
   * purchase may be later than the true one) until the state is rebuilt from events.
   */
  static LifetimeTotals readVersion1(DataInputStream in) throws IOException {
    LifetimeTotals t = readCounts(in);
    if (t.events > 0) {
      t.activeDays.add(DayHistory.dayOf(t.firstMs));
      t.activeDays.add(DayHistory.dayOf(t.lastMs));
    }
    if (t.cartAdds > 0) {
      t.activeDays.add(DayHistory.dayOf(t.lastCartAddMs));
    }
    if (t.purchases > 0) {
      t.activeDays.add(DayHistory.dayOf(t.lastPurchaseMs));
      t.purchaseDays.add(DayHistory.dayOf(t.lastPurchaseMs));
      t.firstPurchaseMs = t.lastPurchaseMs;
    }
    return t;
  }

  private static LifetimeTotals readCounts(DataInputStream in) throws IOException {
    LifetimeTotals t = new LifetimeTotals();
    t.events = in.readLong();
    t.productViews = in.readLong();
    t.cartAdds = in.readLong();
    t.purchases = in.readLong();
    t.monetaryCents = in.readLong();
    t.firstMs = in.readLong();
    t.lastMs = in.readLong();
    t.lastPurchaseMs = in.readLong();
    t.lastCartAddMs = in.readLong();
    return t;
  }
}
