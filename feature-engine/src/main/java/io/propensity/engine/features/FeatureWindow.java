package io.propensity.engine.features;

import java.time.Duration;
import java.util.Optional;

/**
 * The span of history a feature looks at, as of the cutoff T. Window features use only the events
 * in (T - length, T], sessionized among themselves.
 */
public enum FeatureWindow {
  /**
   * The user's current session: the latest session as of T, if its last event is under 30 min
   * before T.
   */
  CURRENT_SESSION("session", Optional.empty()),
  /** (T - 1 day, T]. */
  DAY_1("1d", Optional.of(Duration.ofDays(1))),
  /** (T - 7 days, T]. */
  DAYS_7("7d", Optional.of(Duration.ofDays(7))),
  /** (T - 30 days, T]; the longest window, hence the retention of the online state. */
  DAYS_30("30d", Optional.of(Duration.ofDays(30))),
  /** Every event at or before T. */
  LIFETIME("lifetime", Optional.empty());

  private final String label;
  private final Optional<Duration> length;

  FeatureWindow(String label, Optional<Duration> length) {
    this.label = label;
    this.length = length;
  }

  /** Short label used in feature names, the README and the schema hash, e.g. {@code 7d}. */
  public String label() {
    return label;
  }

  /** The window length, for the sliding windows. */
  public Optional<Duration> length() {
    return length;
  }
}
