package io.propensity.inference.live;

/**
 * How a user's live state began on this replica, and from how many stored events.
 *
 * @param origin where the state came from
 * @param events stored events applied (0 unless {@code STORED} or {@code TRUNCATED})
 */
public record HistorySeed(Origin origin, int events) {
  /** No seed was attempted or possible: the state began empty. */
  public static final HistorySeed UNAVAILABLE = new HistorySeed(Origin.UNAVAILABLE, 0);

  /** Where a user's live state came from. */
  public enum Origin {
    /** The user's whole stored history. */
    STORED,
    /** The feature service holds no event of the user: empty is the true history. */
    NONE_STORED,
    /** Only the newest stored events: older ones, and so lifetime features, are missing. */
    TRUNCATED,
    /** The feature service was unreachable, too slow or not configured: the state began empty. */
    UNAVAILABLE
  }
}
