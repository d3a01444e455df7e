package io.propensity.feature.overview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Event times seen in one pass over the store, kept whole up to a capacity and as a seeded uniform
 * reservoir sample beyond it, turned into permille quantiles: where in time the events lie, finer
 * than a day and with memory bounded by the capacity.
 */
final class EventTimeSample {
  /** Times kept at most (1.6 MB): exact quantiles up to this many events, estimates beyond. */
  static final int CAPACITY = 200_000;

  private final long[] kept;
  private final SplittableRandom random;
  private long seen;

  EventTimeSample(int capacity, long seed) {
    this.kept = new long[capacity];
    this.random = new SplittableRandom(seed);
  }

  /** Adds one event's time. */
  void add(Instant occurredAt) {
    long ms = occurredAt.toEpochMilli();
    if (seen < kept.length) {
      kept[(int) seen] = ms;
    } else {
      long j = random.nextLong(seen + 1);
      if (j < kept.length) {
        kept[(int) j] = ms;
      }
    }
    seen++;
  }

  /** The quantiles of the times added so far, or empty when none was. */
  Optional<DataOverview.EventTimes> quantiles() {
    int n = (int) Math.min(seen, kept.length);
    if (n == 0) {
      return Optional.empty();
    }
    long[] sorted = Arrays.copyOf(kept, n);
    Arrays.sort(sorted);
    List<Instant> permilles = new ArrayList<>(1001);
    for (int k = 0; k <= 1000; k++) {
      // nearest rank: the smallest time with at least k/1000 of the times at or before it
      long rank = -Math.floorDiv(-(long) k * n, 1000L);
      permilles.add(Instant.ofEpochMilli(sorted[(int) Math.max(0, rank - 1)]));
    }
    return Optional.of(new DataOverview.EventTimes(permilles, n));
  }
}
