package io.propensity.bench.support;

import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;

/**
 * Sends batches over one StreamIngestEvents client stream, honouring gRPC flow control (a batch is
 * written only when the transport is ready), and waits for the summary.
 */
public final class IngestClient {
  private IngestClient() {}

  /** What one stream achieved. */
  public record Result(StreamIngestEventsResponse summary, long eventsSent, long nanos) {
    public double eventsPerSecond() {
      return eventsSent * 1e9 / nanos;
    }

    public double seconds() {
      return nanos / 1e9;
    }
  }

  /**
   * Streams every batch of {@code batches} and returns the server's summary.
   *
   * @throws IllegalStateException when the stream fails or the deadline passes
   */
  public static Result stream(
      Channel channel, Iterator<StreamIngestEventsRequest> batches, Duration deadline)
      throws InterruptedException {
    CompletableFuture<StreamIngestEventsResponse> done = new CompletableFuture<>();
    Object ready = new Object();
    ClientResponseObserver<StreamIngestEventsRequest, StreamIngestEventsResponse> responses =
        new ClientResponseObserver<>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<StreamIngestEventsRequest> requests) {
            requests.setOnReadyHandler(
                () -> {
                  synchronized (ready) {
                    ready.notifyAll();
                  }
                });
          }

          @Override
          public void onNext(StreamIngestEventsResponse value) {
            done.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
            synchronized (ready) {
              ready.notifyAll();
            }
          }

          @Override
          public void onCompleted() {
            done.completeExceptionally(new IllegalStateException("stream ended without a summary"));
          }
        };
    long start = System.nanoTime();
    ClientCallStreamObserver<StreamIngestEventsRequest> requests =
        (ClientCallStreamObserver<StreamIngestEventsRequest>)
            FeatureServiceGrpc.newStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .streamIngestEvents(responses);
    long sent = 0;
    while (batches.hasNext() && !done.isDone()) {
      synchronized (ready) {
        while (!requests.isReady() && !done.isDone()) {
          ready.wait(100);
        }
      }
      if (done.isDone()) {
        break;
      }
      StreamIngestEventsRequest batch = batches.next();
      requests.onNext(batch);
      sent += batch.getEventsCount();
    }
    if (!done.isDone()) {
      requests.onCompleted();
    }
    try {
      StreamIngestEventsResponse summary =
          done.get(deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      return new Result(summary, sent, System.nanoTime() - start);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "StreamIngestEvents failed after " + sent + " events: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      requests.cancel("benchmark deadline", null);
      throw new IllegalStateException("StreamIngestEvents: no summary within " + deadline, e);
    }
  }
}
