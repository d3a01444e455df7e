package io.propensity.engine.features;

import io.propensity.engine.event.EventType;

/**
 * Exponentially decayed event counts over a window: each event at time t weighs {@code 0.5^((T - t)
 * / halfLife)}, summed in canonical event order so both paths add the same numbers in the same
 * order. Package-private.
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
      long age = tMs - ev.timeMs(i);
      double w7 = Decay.weight(age, 7 * WindowStats.DAY_MS);
      events1d += Decay.weight(age, WindowStats.DAY_MS);
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
