package io.propensity.inference.ranking;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every user the feature service knows, a page at a time (features.v1 ListUsers). Fails with {@link
 * io.propensity.common.error.UnavailableException} when it cannot answer in time.
 */
public interface UserDirectory {

  /**
   * One page of user ids in id order, only users whose newest event is within the bounds given.
   *
   * @param pageToken the previous page's token; empty for the first page
   */
  Page page(
      Optional<String> pageToken,
      Optional<Instant> activeSince,
      Optional<Instant> activeBefore,
      int pageSize);

  /**
   * A page of users.
   *
   * @param nextPageToken present when more users follow
   */
  record Page(List<String> userIds, Optional<String> nextPageToken) {
    public Page {
      userIds = List.copyOf(userIds);
    }
  }
}
