package io.propensity.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects what a stream observer hears, in order: messages, then the error or "completed". */
final class QueueObserver<T> implements StreamObserver<T> {
  private final LinkedBlockingQueue<Object> heard = new LinkedBlockingQueue<>();

  @Override
  public void onNext(T value) {
    heard.add(value);
  }

  @Override
  public void onError(Throwable t) {
    heard.add(t);
  }

  @Override
  public void onCompleted() {
    heard.add("completed");
  }

  /** The next thing heard, waiting at most 5 s. */
  Object next() throws InterruptedException {
    Object o = heard.poll(5, TimeUnit.SECONDS);
    assertThat(o).as("heard within 5 s").isNotNull();
    return o;
  }
}
