package io.propensity.feature.users;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.EventValidator;
import io.propensity.feature.store.EventStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The users the store knows and their stored histories, for other services: pages of users with
 * their activity (ListUsers) and a user's newest events (GetUserHistory). Checks every request and
 * names each bad field.
 */
public final class UserDirectory {
  /** Users per page when a request does not say. */
  public static final int DEFAULT_PAGE_SIZE = 1_000;

  /** Most users per page. */
  public static final int MAX_PAGE_SIZE = 10_000;

  /** Most events of one history answer, and the default. */
  public static final int MAX_HISTORY_EVENTS = 10_000;

  private static final String TOKEN_PREFIX = "after:";

  private final EventStore store;

  public UserDirectory(EventStore store) {
    this.store = store;
  }

  /**
   * Which users to list.
   *
   * @param pageSize 0 (the default) to {@link #MAX_PAGE_SIZE}
   * @param pageToken a {@link UserPage#nextPageToken()} of an earlier page
   * @param activeSince only users whose newest event is at or after this instant
   * @param activeBefore only users whose newest event is at or before this instant
   */
  public record UserQuery(
      int pageSize,
      Optional<String> pageToken,
      Optional<Instant> activeSince,
      Optional<Instant> activeBefore) {}

  /**
   * One page of users in id order.
   *
   * @param nextPageToken present when more users follow
   */
  public record UserPage(List<EventStore.UserActivity> users, Optional<String> nextPageToken) {
    public UserPage {
      users = List.copyOf(users);
    }
  }

  /**
   * Whose events to return.
   *
   * @param maxEvents 0 (meaning {@link #MAX_HISTORY_EVENTS}) to {@link #MAX_HISTORY_EVENTS}
   */
  public record HistoryQuery(String userId, Optional<Instant> since, int maxEvents) {}

  /** One page of users; the page after the token's, with the same filters. */
  public UserPage list(UserQuery q) {
    List<FieldError> bad = new ArrayList<>();
    if (q.pageSize() < 0 || q.pageSize() > MAX_PAGE_SIZE) {
      bad.add(new FieldError("page_size", q.pageSize() + " is outside 0 to " + MAX_PAGE_SIZE));
    }
    Optional<String> after = Optional.empty();
    if (q.pageToken().isPresent()) {
      after = decode(q.pageToken().get());
      if (after.isEmpty()) {
        bad.add(new FieldError("page_token", "is not a next_page_token of this service"));
      }
    }
    if (q.activeSince().isPresent()
        && q.activeBefore().isPresent()
        && q.activeSince().get().isAfter(q.activeBefore().get())) {
      bad.add(new FieldError("active_since", "is after active_before: no user can match"));
    }
    fail(bad);
    int size = q.pageSize() == 0 ? DEFAULT_PAGE_SIZE : q.pageSize();
    // One more than the page to learn whether another page follows, so the last page says so.
    List<EventStore.UserActivity> found =
        store.userActivity(after, q.activeSince(), q.activeBefore(), size + 1);
    if (found.size() <= size) {
      return new UserPage(found, Optional.empty());
    }
    List<EventStore.UserActivity> page = found.subList(0, size);
    return new UserPage(page, Optional.of(encode(page.get(size - 1).userId())));
  }

  /** The newest events of one user, oldest first; empty for a user without stored events. */
  public EventStore.RecentHistory history(HistoryQuery q) {
    List<FieldError> bad = new ArrayList<>();
    if (q.userId().isEmpty()) {
      bad.add(new FieldError("user_id", "is required"));
    } else if (q.userId().length() > EventValidator.MAX_ID_LENGTH) {
      bad.add(
          new FieldError(
              "user_id",
              q.userId().length() + " characters, at most " + EventValidator.MAX_ID_LENGTH));
    }
    if (q.maxEvents() < 0 || q.maxEvents() > MAX_HISTORY_EVENTS) {
      bad.add(
          new FieldError("max_events", q.maxEvents() + " is outside 0 to " + MAX_HISTORY_EVENTS));
    }
    fail(bad);
    return store.newestHistory(
        q.userId(), q.since(), q.maxEvents() == 0 ? MAX_HISTORY_EVENTS : q.maxEvents());
  }

  private static void fail(List<FieldError> bad) {
    if (!bad.isEmpty()) {
      throw new InvalidInputException(bad.get(0).toString(), bad);
    }
  }

  // The token is the last listed user id, wrapped so that clients treat it as opaque.
  private static String encode(String lastUserId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((TOKEN_PREFIX + lastUserId).getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<String> decode(String token) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      return s.startsWith(TOKEN_PREFIX) && s.length() > TOKEN_PREFIX.length()
          ? Optional.of(s.substring(TOKEN_PREFIX.length()))
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
