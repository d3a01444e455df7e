package io.propensity.common.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends a server stream from a producing thread without outrunning the client: {@link #send} blocks
 * while the transport is not ready, so a slow reader never makes the server buffer a whole result
 * set in memory. Stops quietly once the client cancels.
 */
public final class FlowControlledSender<T> {
  private final ServerCallStreamObserver<T> out;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private volatile boolean cancelled;

  public FlowControlledSender(ServerCallStreamObserver<T> out) {
    this.out = out;
    out.setOnReadyHandler(this::signal);
    out.setOnCancelHandler(
        () -> {
          cancelled = true;
          signal();
        });
  }

  private void signal() {
    lock.lock();
    try {
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the client cancelled (or its deadline passed). */
  public boolean isCancelled() {
    return cancelled || out.isCancelled();
  }

  /** Sends one message, waiting for transport readiness; does nothing once cancelled. */
  public void send(T message) {
    lock.lock();
    try {
      while (!out.isReady() && !isCancelled()) {
        ready.await(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    } finally {
      lock.unlock();
    }
    if (!isCancelled()) {
      out.onNext(message);
    }
  }

  /** Completes the stream unless the client is gone. */
  public void complete() {
    if (!isCancelled()) {
      out.onCompleted();
    }
  }

  /**
   * Ends the stream with the status {@link GrpcErrors} gives {@code error} (as for a unary call),
   * unless the client is gone.
   */
  public void fail(RuntimeException error) {
    if (!isCancelled()) {
      out.onError(GrpcErrors.toStatusException(error));
    }
  }
}
