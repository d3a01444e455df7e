package io.propensity.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.propensity.common.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerStreamsTest {
  private static final Context.Key<String> CALLER = Context.key("caller");
  private static final HealthCheckResponse SERVING =
      HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build();

  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-worker"));
  private Server server;
  private ManagedChannel channel;

  /** A Health service whose {@code Watch} stream is produced by {@code producer} on the worker. */
  private HealthGrpc.HealthBlockingStub serve(ServerStreams.Producer<HealthCheckResponse> producer)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    HealthGrpc.HealthImplBase streaming =
        new HealthGrpc.HealthImplBase() {
          @Override
          public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
            ServerStreams.produceOn(worker, out, producer);
          }
        };
    ServerInterceptor callerContext =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            return Contexts.interceptCall(
                Context.current().withValue(CALLER, "the caller"), call, headers, next);
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    streaming, new ErrorMappingInterceptor(), callerContext))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
    worker.shutdownNow();
  }

  @Test
  void producesOnTheExecutorInTheCallersGrpcContext() throws Exception {
    AtomicReference<String> thread = new AtomicReference<>();
    AtomicReference<String> caller = new AtomicReference<>();
    AtomicReference<Deadline> deadline = new AtomicReference<>();
    var stub =
        serve(
            out -> {
              thread.set(Thread.currentThread().getName());
              caller.set(CALLER.get());
              deadline.set(Context.current().getDeadline());
              out.send(SERVING);
              out.send(SERVING);
              out.complete();
            });

    List<HealthCheckResponse> received = new ArrayList<>();
    stub.watch(HealthCheckRequest.getDefaultInstance()).forEachRemaining(received::add);

    assertThat(received).containsExactly(SERVING, SERVING);
    assertThat(thread.get()).isEqualTo("stream-worker");
    assertThat(caller.get()).isEqualTo("the caller");
    assertThat(deadline.get()).as("the client's deadline").isNotNull();
    assertThat(deadline.get().timeRemaining(TimeUnit.SECONDS)).isBetween(0L, 5L);
  }

  @Test
  void aFailureEndsTheStreamWithTheStatusAUnaryCallWouldGet() throws Exception {
    InvalidInputException invalid = InvalidInputException.of("service", "'x' is not a service");
    var stub =
        serve(
            out -> {
              out.send(SERVING);
              throw invalid;
            });

    Iterator<HealthCheckResponse> stream = stub.watch(HealthCheckRequest.getDefaultInstance());
    assertThat(stream.next()).isEqualTo(SERVING);
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, stream::next);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusProto.fromThrowable(e))
        .as("code, message and details (the BadRequest field violation) as GrpcErrors maps them")
        .isEqualTo(StatusProto.fromThrowable(GrpcErrors.toStatusException(invalid)));
  }

  @Test
  void anUnexpectedFailureIsInternalAndKeepsItsInternalsToTheServer() throws Exception {
    var stub =
        serve(
            out -> {
              throw new IllegalStateException("secret internals at Foo.java:12");
            });

    Status status =
        catchThrowableOfType(
                StatusRuntimeException.class,
                () -> stub.watch(HealthCheckRequest.getDefaultInstance()).next())
            .getStatus();

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription()).contains("incident").doesNotContain("Foo.java");
  }

  @Test
  void nothingIsSentOnceTheClientHasCancelledNotEvenAnError() {
    RecordingCall<String> call = new RecordingCall<>();

    ServerStreams.produceOn(
        Runnable::run,
        call,
        out -> {
          out.send("before");
          call.cancel();
          out.send("after");
          out.complete();
          throw new IllegalStateException("failed after the client left");
        });

    assertThat(call.sent).containsExactly("before");
  }

  @Test
  void anInterruptedProducerEndsQuietlyAndKeepsTheInterrupt() {
    RecordingCall<String> call = new RecordingCall<>();
    AtomicReference<Boolean> interrupted = new AtomicReference<>();

    ServerStreams.produceOn(
        task -> {
          task.run();
          interrupted.set(Thread.interrupted()); // reads and clears the flag
        },
        call,
        out -> {
          throw new InterruptedException();
        });

    assertThat(call.sent).isEmpty();
    assertThat(interrupted.get()).isTrue();
  }

  /** A server call that records what is sent on it and can be cancelled by the test. */
  private static final class RecordingCall<T> extends ServerCallStreamObserver<T> {
    final List<Object> sent = new ArrayList<>();
    private volatile boolean cancelled;
    private Runnable onCancel = () -> {};

    void cancel() {
      cancelled = true;
      onCancel.run();
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public void setOnCancelHandler(Runnable onCancelHandler) {
      onCancel = onCancelHandler;
    }

    @Override
    public void setCompression(String compression) {}

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    public void onNext(T value) {
      sent.add(value);
    }

    @Override
    public void onError(Throwable t) {
      sent.add(t);
    }

    @Override
    public void onCompleted() {
      sent.add("completed");
    }
  }
}
