package io.propensity.client;

import io.grpc.CallCredentials;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How a client calls: the deadline each call gets and, when given, the credentials each call
 * carries. Every client applies these in {@link #apply}, the one place a stub is configured.
 *
 * @param deadline how long each call may take, from when it starts (zero or less: every call fails
 *     with DEADLINE_EXCEEDED, as a gRPC stub's would)
 * @param credentials attached to every call when present (bearer tokens and the like); absent by
 *     default
 */
public record ClientOptions(Duration deadline, Optional<CallCredentials> credentials) {
  public ClientOptions {
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(credentials, "credentials");
  }

  /** Calls with {@code deadline} and no credentials. */
  public static ClientOptions deadline(Duration deadline) {
    return new ClientOptions(deadline, Optional.empty());
  }

  /** These options with another deadline. */
  public ClientOptions withDeadline(Duration deadline) {
    return new ClientOptions(deadline, credentials);
  }

  /** These options with {@code credentials} on every call. */
  public ClientOptions withCredentials(CallCredentials credentials) {
    return new ClientOptions(deadline, Optional.of(credentials));
  }

  /** {@code stub} with the deadline (counted from now) and the credentials, if any. */
  <S extends AbstractStub<S>> S apply(S stub) {
    S s = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    return credentials.isPresent() ? s.withCallCredentials(credentials.get()) : s;
  }

  /** {@code stub} with the credentials, if any, and no deadline: for open-ended watch streams. */
  <S extends AbstractStub<S>> S applyWithoutDeadline(S stub) {
    return credentials.isPresent() ? stub.withCallCredentials(credentials.get()) : stub;
  }
}
