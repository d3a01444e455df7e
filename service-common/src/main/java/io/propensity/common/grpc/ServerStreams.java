package io.propensity.common.grpc;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/**
 * Hands a server stream to a worker thread: the one way an endpoint produces a long stream (a
 * training set, a download, a ranking, a watch) without holding the gRPC thread, which must stay
 * free to deliver the readiness and cancellation callbacks the {@link FlowControlledSender} waits
 * for.
 */
public final class ServerStreams {
  private ServerStreams() {}

  /** What the worker does with the stream: sends, then completes or fails it. */
  @FunctionalInterface
  public interface Producer<T> {
    /**
     * Produces the stream. A runtime exception ends it as {@link GrpcErrors} maps it, as a unary
     * call's would; an interrupt ends the worker quietly.
     */
    void produce(FlowControlledSender<T> out) throws InterruptedException;
  }

  /**
   * Runs {@code producer} on {@code executor} in the caller's gRPC {@link Context} (so the client's
   * deadline and cancellation reach every call it makes). Call it from the service method itself:
   * the sender registers its readiness and cancellation handlers there, as gRPC requires. Nothing
   * is sent once the client has cancelled, not even an error.
   */
  public static <T> void produceOn(
      Executor executor, StreamObserver<T> responses, Producer<T> producer) {
    FlowControlledSender<T> out =
        new FlowControlledSender<>((ServerCallStreamObserver<T>) responses);
    executor.execute(
        Context.current()
            .wrap(
                () -> {
                  try {
                    producer.produce(out);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (RuntimeException e) {
                    out.fail(e);
                  }
                }));
  }
}
