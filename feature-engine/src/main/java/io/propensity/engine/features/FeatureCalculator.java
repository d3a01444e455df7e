package io.propensity.engine.features;

import java.util.List;

/** Evaluates the catalog over packed events and lifetime totals; the shared core of both paths. */
final class FeatureCalculator {

  static final long RETENTION_MS = FeatureWindow.DAYS_30.length().orElseThrow().toMillis();

  private FeatureCalculator() {}

  /**
   * The vector as of {@code tMs}. {@code recent} holds (at least) every event in (T - 30d, T] and
   * none after T; {@code life} totals every event at or before T.
   */
  static FeatureVector compute(PackedEvents recent, LifetimeTotals life, long tMs) {
    int from30 = recent.firstAfter(tMs - 30 * WindowStats.DAY_MS);
    FeatureContext c =
        new FeatureContext(
            window(recent, tMs, 1),
            window(recent, tMs, 7),
            WindowStats.of(recent, from30, tMs, 30),
            DecayedCounts.of(recent, from30, tMs),
            life,
            tMs);
    List<FeatureDefinition> defs = FeatureCatalog.definitions();
    double[] values = new double[defs.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = defs.get(i).value().applyAsDouble(c);
    }
    return new FeatureVector(FeatureCatalog.SCHEMA, values);
  }

  private static WindowStats window(PackedEvents recent, long tMs, int days) {
    return WindowStats.of(recent, recent.firstAfter(tMs - days * WindowStats.DAY_MS), tMs, days);
  }
}
