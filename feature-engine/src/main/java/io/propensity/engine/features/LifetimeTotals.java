package io.propensity.engine.features;

import io.propensity.engine.event.EventType;

/**
 * Order-independent totals over every event at or before the cutoff: only whole-number sums and
 * min/max, so the online state can fold evicted and late events into them in any order and still
 * match the batch path bit for bit. Mutable, package-private.
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

  void add(int type, long timeMs, int valueCents) {
    events++;
    firstMs = Math.min(firstMs, timeMs);
    lastMs = Math.max(lastMs, timeMs);
    if (type == EventType.PRODUCT_VIEW.ordinal()) {
      productViews++;
    } else if (type == EventType.ADD_TO_CART.ordinal()) {
      cartAdds++;
      lastCartAddMs = Math.max(lastCartAddMs, timeMs);
    } else if (type == EventType.PURCHASE.ordinal()) {
      purchases++;
      monetaryCents += valueCents;
      lastPurchaseMs = Math.max(lastPurchaseMs, timeMs);
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
    return c;
  }

  /** Shallow size assuming a 64-bit JVM with compressed oops: 12-byte header + 9 longs, aligned. */
  static long estimatedBytes() {
    return MemoryLayout.align(MemoryLayout.OBJECT_HEADER + 9 * 8L);
  }

  void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
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
          lastCartAddMs
        }) {
      out.writeLong(v);
    }
  }

  static LifetimeTotals readFrom(java.io.DataInputStream in) throws java.io.IOException {
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
