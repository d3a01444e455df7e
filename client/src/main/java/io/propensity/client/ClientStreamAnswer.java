package io.propensity.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The one answer of a client-streaming call, for the thread that sends the requests and then waits:
 * {@link #await} returns it or throws the server's {@link StatusRuntimeException} unchanged. {@code
 * changed} runs when the transport becomes ready for more and when the call ends, so a sender
 * waiting for either can wake up.
 */
final class ClientStreamAnswer<Q, R> implements ClientResponseObserver<Q, R> {
  private final String rpc;
  private final Runnable changed;
  private final CompletableFuture<R> answer = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<Q> requests;

  ClientStreamAnswer(String rpc, Runnable changed) {
    this.rpc = rpc;
    this.changed = changed;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<Q> stream) {
    requests = stream;
    stream.setOnReadyHandler(changed);
  }

  /** Where the requests go; set once the call has started. */
  ClientCallStreamObserver<Q> requests() {
    return requests;
  }

  /** Whether the call has ended, with an answer or a failure. */
  boolean isDone() {
    return answer.isDone();
  }

  @Override
  public void onNext(R value) {
    answer.complete(value);
  }

  @Override
  public void onError(Throwable t) {
    answer.completeExceptionally(t);
    changed.run();
  }

  @Override
  public void onCompleted() {
    answer.completeExceptionally(
        Status.INTERNAL.withDescription(rpc + " ended without an answer").asRuntimeException());
    changed.run();
  }

  /** Waits for the answer; an interrupt cancels the call. */
  R await() {
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requests.cancel("interrupted", e);
      throw new IllegalStateException("interrupted while waiting for " + rpc, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException sre) {
        throw sre;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
