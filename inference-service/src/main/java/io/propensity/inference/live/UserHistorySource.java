package io.propensity.inference.live;

import io.propensity.engine.event.Event;
import java.util.List;

/**
 * Where a user's stored events come from (the feature service), to seed their live state. Fails
 * with {@link io.propensity.common.error.UnavailableException} when it cannot answer in time.
 */
public interface UserHistorySource {

  /** The user's stored events, oldest first: all of them, or the newest ones when truncated. */
  StoredHistory history(String userId);

  /**
   * Stored events of one user.
   *
   * @param truncated older events are stored than the oldest given
   */
  record StoredHistory(List<Event> events, boolean truncated) {
    public StoredHistory {
      events = List.copyOf(events);
    }
  }
}
