package io.propensity.inference.online;

import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.common.error.UnavailableException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.inference.live.UserHistorySource;
import io.propensity.inference.ranking.UserDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.UserActivity;

/**
 * Users and their stored events from the feature service ({@code features.v1.ListUsers} and {@code
 * GetUserHistory}), each call with a deadline. A ListUsers caller's shorter gRPC deadline applies
 * by itself; a history, which seeds live state shared by every stream, is fetched detached from its
 * caller, so that one client cancelling its stream cannot cancel it. Any failure, including a
 * stored event this service cannot read, becomes {@link UnavailableException} with a retry hint,
 * except a call given up on this side ({@link UserHistorySource.AbandonedException}).
 */
public final class FeatureServiceUsers implements UserHistorySource, UserDirectory {
  private final FeatureServiceClient client;
  private final String target;
  private final Duration deadline;
  private final Duration retryAfter;
  private final int maxHistoryEvents;

  /**
   * @param deadline deadline of each call
   * @param maxHistoryEvents most events of one user's history asked for, 1 to 10,000
   */
  public FeatureServiceUsers(
      Channel channel,
      String target,
      Duration deadline,
      Duration retryAfter,
      int maxHistoryEvents) {
    if (maxHistoryEvents < 1 || maxHistoryEvents > 10_000) {
      throw new IllegalArgumentException(
          "maxHistoryEvents " + maxHistoryEvents + " is outside 1 to 10000");
    }
    this.client = new FeatureServiceClient(channel, deadline);
    this.target = target;
    this.deadline = deadline;
    this.retryAfter = retryAfter;
    this.maxHistoryEvents = maxHistoryEvents;
  }

  @Override
  public StoredHistory history(String userId) {
    GetUserHistoryResponse r;
    Context caller = Context.current();
    try {
      // fork(): the caller's values without its cancellation or deadline.
      r = caller.fork().call(() -> client.userHistory(userId, Optional.empty(), maxHistoryEvents));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.CANCELLED
          && (caller.isCancelled() || Thread.currentThread().isInterrupted())) {
        throw new UserHistorySource.AbandonedException(
            "GetUserHistory was cancelled on this side", e);
      }
      throw translate("GetUserHistory", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("a blocking stub call throws only unchecked exceptions", e);
    }
    List<Event> events = new ArrayList<>(r.getEventsCount());
    for (propensity.events.v1.Event p : r.getEventsList()) {
      if (EventProtoMapper.fromProto(p) instanceof ReceivedEvent.Parsed ok) {
        events.add(ok.event());
      } else {
        throw new UnavailableException(
            "the feature service at "
                + target
                + " returned a stored event this service cannot read: "
                + p.getEventId(),
            Optional.of(retryAfter),
            null);
      }
    }
    return new StoredHistory(events, r.getTruncated());
  }

  @Override
  public Page page(
      Optional<String> pageToken,
      Optional<Instant> activeSince,
      Optional<Instant> activeBefore,
      int pageSize) {
    ListUsersResponse r;
    try {
      r = client.listUsers(pageSize, pageToken.orElse(""), activeSince, activeBefore);
    } catch (StatusRuntimeException e) {
      throw translate("ListUsers", e);
    }
    List<String> ids = new ArrayList<>(r.getUsersCount());
    for (UserActivity u : r.getUsersList()) {
      ids.add(u.getUserId());
    }
    return new Page(
        ids, r.getNextPageToken().isEmpty() ? Optional.empty() : Optional.of(r.getNextPageToken()));
  }

  private UnavailableException translate(String rpc, StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String detail =
        e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription();
    String what =
        code == Status.Code.DEADLINE_EXCEEDED
            ? "did not answer "
                + rpc
                + " within "
                + deadline.toMillis()
                + " ms (or the caller's deadline)"
            : "failed " + rpc + " (" + code + detail + ")";
    return new UnavailableException(
        "the feature service at " + target + " " + what, Optional.of(retryAfter), e);
  }
}
