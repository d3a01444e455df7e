package io.propensity.client;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Channel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;

/**
 * A client of the standard gRPC health service ({@code grpc.health.v1.Health}) that every
 * Propensity service exposes; every call carries the client's deadline and credentials, if any.
 */
public final class HealthClient {
  private final Channel channel;
  private final ClientOptions options;

  /** A client on a channel the caller owns, each call with {@code deadline}. */
  public HealthClient(Channel channel, Duration deadline) {
    this(channel, ClientOptions.deadline(deadline));
  }

  /** A client on a channel the caller owns. */
  public HealthClient(Channel channel, ClientOptions options) {
    this.channel = channel;
    this.options = options;
  }

  /** This client with another deadline for each call. */
  public HealthClient withDeadline(Duration deadline) {
    return new HealthClient(channel, options.withDeadline(deadline));
  }

  /** The health of {@code request}'s service (empty: the whole server). */
  public HealthCheckResponse check(HealthCheckRequest request) {
    return options.apply(HealthGrpc.newBlockingStub(channel)).check(request);
  }

  /** The health of the whole server. */
  public HealthCheckResponse check() {
    return check(HealthCheckRequest.getDefaultInstance());
  }

  /** {@link #check()} without blocking, for callers that keep many calls in flight. */
  public ListenableFuture<HealthCheckResponse> checkAsync() {
    return options
        .apply(HealthGrpc.newFutureStub(channel))
        .check(HealthCheckRequest.getDefaultInstance());
  }
}
