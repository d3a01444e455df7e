package io.propensity.engine.features;

import io.propensity.engine.event.EventType;

/**
 * Exponentially decayed event counts over a window: each event at time t weighs {@code 0.5^((T - t)
 * / halfLife)}, summed in canonical event order so both paths add the same numbers in the same
 * order. The 1-day weight is the 7-day weight to the 7th power: equal within a few ulps, the same
 * bits on both paths. Package-private.
 *
 * @param events1d every event, half-life 1 day
 * @param events7d every event, half-life 7 days
 * @param productViews7d product views, half-life 7 days
 * @param cartAdds7d cart adds, half-life 7 days
 */
record DecayedCounts(double events1d, double events7d, double productViews7d, double cartAdds7d) {

  private static final int PRODUCT_VIEW = EventType.PRODUCT_VIEW.ordinal();
  private static final int ADD_TO_CART = EventType.ADD_TO_CART.ordinal();

  /** Of the events {@code from..size-1} of {@code ev}, all at or before {@code tMs}. */
  static DecayedCounts of(PackedEvents ev, int from, long tMs) {
    double events1d = 0;
    double events7d = 0;
    double productViews7d = 0;
    double cartAdds7d = 0;
    for (int i = from; i < ev.size(); i++) {
      double w7 = Decay.weight(tMs - ev.timeMs(i), 7 * WindowStats.DAY_MS);
      // 0.5^(age / 1 day) = (0.5^(age / 7 days))^7: four products instead of a second exp
      double w7Squared = w7 * w7;
      events1d += w7Squared * w7Squared * w7Squared * w7;
      events7d += w7;
      if (ev.type(i) == PRODUCT_VIEW) {
        productViews7d += w7;
      } else if (ev.type(i) == ADD_TO_CART) {
        cartAdds7d += w7;
      }
    }
    return new DecayedCounts(events1d, events7d, productViews7d, cartAdds7d);
  }
}
