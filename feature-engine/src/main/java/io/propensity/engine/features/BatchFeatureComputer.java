package io.propensity.engine.features;

import io.propensity.engine.event.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes a user's feature vector as of a cutoff from the full event history: the offline path
 * used for training sets. Gives exactly the values {@link UserFeatureState} gives online.
 */
public final class BatchFeatureComputer {

  private BatchFeatureComputer() {}

  /**
   * The features of one user as of {@code cutoff}. Only events with {@code occurredAt <= cutoff}
   * are read, so nothing after the cutoff can leak in; the input order does not matter; events
   * sharing an id count once (an id is assumed to name one event).
   *
   * @throws IllegalArgumentException when the events belong to more than one user, or span more
   *     than the 32,768 UTC days (about 89 years) a day history holds
   */
  public static FeatureVector compute(List<Event> historyOfOneUser, Instant cutoff) {
    long tMs = cutoff.toEpochMilli();
    long horizon = tMs - FeatureCalculator.RETENTION_MS;
    Set<Long> seen = new HashSet<>();
    LifetimeTotals life = new LifetimeTotals();
    List<PackedEvents.Packed> recent = new ArrayList<>();
    String user = null;
    for (Event e : historyOfOneUser) {
      if (user == null) {
        user = e.userId();
      } else if (!user.equals(e.userId())) {
        throw new IllegalArgumentException(
            "events of more than one user: " + user + " and " + e.userId());
      }
      if (e.occurredAt().isAfter(cutoff)) {
        continue;
      }
      PackedEvents.Packed p = PackedEvents.pack(e);
      if (!seen.add(p.fingerprint())) {
        continue;
      }
      life.add(p);
      if (p.timeMs() > horizon) {
        recent.add(p);
      }
    }
    recent.sort(PackedEvents.Packed.ORDER);
    return FeatureCalculator.compute(PackedEvents.ofSorted(recent), life, tMs);
  }

  /**
   * The vector of a user without any event at or before the cutoff (the same for every cutoff):
   * counts, sums, shares and rates are 0, recencies are at their 2160-hour cap, days between visits
   * is 30, dominant device and source are 0 (unknown), no session is active, and {@code
   * hour_of_day} and {@code day_of_week}, which describe the cutoff only for a user with an event,
   * are 0.
   */
  public static FeatureVector coldStart() {
    return compute(List.of(), Instant.EPOCH);
  }
}
