package io.propensity.inference.online;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.UnavailableException;
import io.propensity.inference.scoring.OnlineFeatureSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import propensity.features.v1.GetOnlineFeaturesResponse;

/**
 * Online features from the feature service ({@code features.v1.GetOnlineFeatures}), asked in chunks
 * its limit allows, each call with a short deadline (a caller's shorter gRPC deadline applies by
 * itself, as grpc-java propagates it). A service that is down or slow becomes {@link
 * UnavailableException} with a retry hint, so by-user requests fail fast instead of queueing.
 */
public final class FeatureServiceFeatureSource implements OnlineFeatureSource {
  private final FeatureServiceClient client;
  private final String target;
  private final Duration deadline;
  private final Duration retryAfter;
  private final int maxUsersPerCall;

  public FeatureServiceFeatureSource(
      Channel channel, String target, Duration deadline, Duration retryAfter, int maxUsersPerCall) {
    this.client = new FeatureServiceClient(channel, deadline);
    this.target = target;
    this.deadline = deadline;
    this.retryAfter = retryAfter;
    this.maxUsersPerCall = maxUsersPerCall;
  }

  @Override
  public OnlineFeatures fetch(List<String> userIds) {
    List<propensity.features.v1.UserFeatures> users = new ArrayList<>(userIds.size());
    String hash = null;
    Instant asOf = null;
    for (int from = 0; from < userIds.size(); from += maxUsersPerCall) {
      List<String> chunk = userIds.subList(from, Math.min(userIds.size(), from + maxUsersPerCall));
      GetOnlineFeaturesResponse r;
      try {
        r = client.onlineFeatures(chunk, false);
      } catch (StatusRuntimeException e) {
        throw translate(e);
      }
      if (hash == null) {
        hash = r.getSchemaVersionHash();
      } else if (!hash.equals(r.getSchemaVersionHash())) {
        throw new FailedPreconditionException(
            "the feature service changed its feature schema while answering ("
                + hash
                + " -> "
                + r.getSchemaVersionHash()
                + "); retry");
      }
      Instant chunkAsOf = EventProtoMapper.instant(r.getAsOf());
      asOf = asOf == null || chunkAsOf.isAfter(asOf) ? chunkAsOf : asOf;
      users.addAll(r.getUsersList());
    }
    if (users.size() != userIds.size()) {
      throw new UnavailableException(
          "the feature service at "
              + target
              + " answered "
              + users.size()
              + " users for "
              + userIds.size(),
          Optional.of(retryAfter),
          null);
    }
    List<OnlineFeatureSource.UserFeatures> out = new ArrayList<>(users.size());
    for (propensity.features.v1.UserFeatures u : users) {
      double[] values = new double[u.getVector().getValuesCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = u.getVector().getValues(i);
      }
      out.add(
          new OnlineFeatureSource.UserFeatures(
              u.getUserId(),
              values,
              u.getColdStart(),
              u.hasLastEventAt()
                  ? Optional.of(EventProtoMapper.instant(u.getLastEventAt()))
                  : Optional.empty()));
    }
    return new OnlineFeatures(hash == null ? "" : hash, asOf == null ? Instant.EPOCH : asOf, out);
  }

  private RuntimeException translate(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String detail =
        e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription();
    if (code == Status.Code.INVALID_ARGUMENT) {
      return InvalidInputException.of(
          "user_id", "the feature service refused the request" + detail);
    }
    String what =
        code == Status.Code.DEADLINE_EXCEEDED
            ? "did not answer within " + deadline.toMillis() + " ms (or the caller's deadline)"
            : "is unavailable (" + code + detail + ")";
    return new UnavailableException(
        "the feature service at "
            + target
            + " "
            + what
            + "; inline feature vectors and events still work",
        Optional.of(retryAfter),
        e);
  }
}
