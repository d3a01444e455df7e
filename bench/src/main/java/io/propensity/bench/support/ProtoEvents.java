package io.propensity.bench.support;

import io.propensity.client.EventProtoMapper;
import io.propensity.engine.event.Event;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import propensity.features.v1.StreamIngestEventsRequest;

/**
 * Demo events cut into StreamIngestEvents messages (mapped by the shared {@link EventProtoMapper}).
 */
public final class ProtoEvents {
  private ProtoEvents() {}

  /** One stream message carrying {@code batch}. */
  public static StreamIngestEventsRequest request(List<Event> batch) {
    StreamIngestEventsRequest.Builder b = StreamIngestEventsRequest.newBuilder();
    for (Event e : batch) {
      b.addEvents(EventProtoMapper.toProto(e));
    }
    return b.build();
  }

  /** Consecutive batches of {@code batchSize} events (the last may be shorter), built lazily. */
  public static Iterator<List<Event>> batches(Iterator<Event> events, int batchSize) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return events.hasNext();
      }

      @Override
      public List<Event> next() {
        if (!events.hasNext()) {
          throw new NoSuchElementException();
        }
        List<Event> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && events.hasNext()) {
          batch.add(events.next());
        }
        return batch;
      }
    };
  }

  /** {@link #batches} as stream messages, converted lazily. */
  public static Iterator<StreamIngestEventsRequest> requests(
      Iterator<Event> events, int batchSize) {
    Iterator<List<Event>> batches = batches(events, batchSize);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return batches.hasNext();
      }

      @Override
      public StreamIngestEventsRequest next() {
        return request(batches.next());
      }
    };
  }
}
