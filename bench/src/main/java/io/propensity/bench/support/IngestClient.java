package io.propensity.bench.support;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.propensity.client.FeatureServiceClient;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;

/**
 * Sends batches over one StreamIngestEvents client stream, honouring gRPC flow control (a batch is
 * written only when the transport is ready), and times it.
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
      Channel channel, Iterator<StreamIngestEventsRequest> batches, Duration deadline) {
    AtomicLong sent = new AtomicLong();
    long start = System.nanoTime();
    try {
      StreamIngestEventsResponse summary =
          new FeatureServiceClient(channel, deadline)
              .streamIngestEvents(batches, deadline, sent::set);
      return new Result(summary, sent.get(), System.nanoTime() - start);
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException(
          "StreamIngestEvents failed after " + sent.get() + " events: " + e, e);
    }
  }
}
