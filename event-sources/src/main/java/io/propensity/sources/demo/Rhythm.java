package io.propensity.sources.demo;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/** How busy the shop is by local hour and weekday: quiet nights, evening peaks, busier weekends. */
final class Rhythm {
  private static final double[] HOUR = {
    0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.25, 0.5, 0.7, 0.85, 0.95, 1.0, 1.1, 1.05, 1.0, 1.0, 1.05,
    1.15, 1.35, 1.6, 1.8, 1.75, 1.3, 0.75
  };

  /** Monday first. */
  private static final double[] DAY = {0.95, 0.92, 0.93, 0.97, 1.0, 1.22, 1.3};

  private static final double[] HOUR_NORM = normalised(HOUR);
  private static final double[] DAY_NORM = normalised(DAY);

  /** The largest factor {@link #factor} returns, for thinning. */
  static final double MAX = max(HOUR_NORM) * max(DAY_NORM);

  private final ZoneRules rules;
  private final long fixedOffsetMillis;
  private final boolean fixed;

  Rhythm(ZoneId zone) {
    this.rules = zone.getRules();
    this.fixed = rules.isFixedOffset();
    this.fixedOffsetMillis = fixed ? rules.getOffset(Instant.EPOCH).getTotalSeconds() * 1000L : 0;
  }

  /** Relative activity at an instant; averages 1 over a week. */
  double factor(long epochMillis) {
    long offset =
        fixed
            ? fixedOffsetMillis
            : rules.getOffset(Instant.ofEpochMilli(epochMillis)).getTotalSeconds() * 1000L;
    long local = epochMillis + offset;
    long day = Math.floorDiv(local, 86_400_000L);
    int hour = (int) (Math.floorMod(local, 86_400_000L) / 3_600_000L);
    int weekday = Math.floorMod(day + 3, 7); // 1970-01-01 was a Thursday: Monday = 0
    return HOUR_NORM[hour] * DAY_NORM[weekday];
  }

  private static double[] normalised(double[] w) {
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    double[] out = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      out[i] = w[i] * w.length / sum;
    }
    return out;
  }

  private static double max(double[] w) {
    double m = 0;
    for (double v : w) {
      m = Math.max(m, v);
    }
    return m;
  }
}
