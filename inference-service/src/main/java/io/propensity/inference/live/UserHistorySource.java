package io.propensity.inference.live;

import io.propensity.engine.event.Event;
import java.util.List;

/**
 * Where a user's stored events come from (the feature service), to seed their live state. Fails
 * with {@link io.propensity.common.error.UnavailableException} when it cannot answer in time, and
 * with {@link AbandonedException} when this side gave up waiting (which says nothing about it).
 */
public interface UserHistorySource {

  /** The user's stored events, oldest first: all of them, or the newest ones when truncated. */
  StoredHistory history(String userId);

  /**
   * The call was given up on this side before the source answered (the calling thread was
   * interrupted, or its caller cancelled): no sign that the source is failing.
   */
  final class AbandonedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AbandonedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

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
