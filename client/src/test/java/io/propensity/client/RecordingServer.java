package io.propensity.client;

import io.grpc.BindableService;
import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * An in-process server of some services that records, for every call, its method, the deadline it
 * arrived with and its {@code authorization} header; with a channel to it.
 */
final class RecordingServer implements AutoCloseable {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** One call as the server saw it. */
  record Call(String method, Optional<Duration> deadline, Optional<String> authorization) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Server server;
  final ManagedChannel channel;

  RecordingServer(BindableService... services) {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    ServerInterceptor recorder =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            Deadline d = Context.current().getDeadline();
            calls.add(
                new Call(
                    call.getMethodDescriptor().getBareMethodName(),
                    d == null
                        ? Optional.empty()
                        : Optional.of(Duration.ofNanos(d.timeRemaining(TimeUnit.NANOSECONDS))),
                    Optional.ofNullable(headers.get(AUTHORIZATION))));
            return next.startCall(call, headers);
          }
        };
    for (BindableService s : services) {
      builder.addService(ServerInterceptors.intercept(s, recorder));
    }
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  /** Every call so far, oldest first. */
  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The latest call of {@code method}. */
  Call last(String method) {
    List<Call> of = calls.stream().filter(c -> c.method().equals(method)).toList();
    if (of.isEmpty()) {
      throw new AssertionError("no call of " + method + " among " + calls);
    }
    return of.get(of.size() - 1);
  }

  /** Credentials that send {@code authorization: Bearer <token>}. */
  static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata m = new Metadata();
        m.put(AUTHORIZATION, "Bearer " + token);
        applier.apply(m);
      }
    };
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
