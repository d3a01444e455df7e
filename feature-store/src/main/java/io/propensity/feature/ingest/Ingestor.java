package io.propensity.feature.ingest;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.UnavailableException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates, deduplicates and durably stores batches of events. Good events of a batch are stored
 * even when others are refused; a request that is wrong as a whole (too large, or with no valid
 * event at all) is refused entirely and stores nothing.
 */
public final class Ingestor {
  /** Most field violations listed when a whole request is refused. */
  static final int MAX_REPORTED = 100;

  private final EventStore store;
  private final EventValidator validator;
  private final int maxEventsPerRequest;
  private final IngestListener listener;
  private final IngestBarrier barrier;

  public Ingestor(
      EventStore store,
      EventValidator validator,
      int maxEventsPerRequest,
      IngestListener listener) {
    this(store, validator, maxEventsPerRequest, listener, IngestBarrier.NONE);
  }

  /**
   * An ingestor whose "append, then {@link IngestListener#onStored}" steps run inside {@code
   * barrier}.
   */
  public Ingestor(
      EventStore store,
      EventValidator validator,
      int maxEventsPerRequest,
      IngestListener listener,
      IngestBarrier barrier) {
    this.store = store;
    this.validator = validator;
    this.maxEventsPerRequest = maxEventsPerRequest;
    this.listener = listener;
    this.barrier = barrier;
  }

  /** Largest number of events one request may carry. */
  public int maxEventsPerRequest() {
    return maxEventsPerRequest;
  }

  /**
   * Ingests one batch. Returns once the accepted events are committed.
   *
   * @throws InvalidInputException when the request is empty, too large, or has no valid event
   */
  public IngestOutcome ingest(List<ReceivedEvent> items) {
    return ingest(items, true);
  }

  /**
   * Ingests one batch of a stream: like {@link #ingest(List)}, but a batch with no valid event is
   * reported event by event instead of refused, so earlier batches of the stream keep their
   * meaning.
   */
  public IngestOutcome ingestStreamBatch(List<ReceivedEvent> items) {
    return ingest(items, false);
  }

  private IngestOutcome ingest(List<ReceivedEvent> items, boolean refuseIfNoneValid) {
    long start = System.nanoTime();
    if (items.isEmpty()) {
      throw InvalidInputException.of("events", "the request carries no event");
    }
    if (items.size() > maxEventsPerRequest) {
      throw InvalidInputException.of(
          "events",
          items.size()
              + " events in one request, at most "
              + maxEventsPerRequest
              + " allowed; split the batch");
    }
    List<Event> valid = new ArrayList<>(items.size());
    List<Integer> validIndex = new ArrayList<>(items.size());
    List<IngestOutcome.Rejection> rejected = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ReceivedEvent item = items.get(i);
      if (item instanceof ReceivedEvent.Unparseable u) {
        rejected.add(new IngestOutcome.Rejection(i, u.eventId(), u.violations()));
      } else if (item instanceof ReceivedEvent.Parsed p) {
        List<FieldViolation> violations = validator.validate(p.event());
        if (violations.isEmpty()) {
          valid.add(p.event());
          validIndex.add(i);
        } else {
          rejected.add(new IngestOutcome.Rejection(i, p.event().eventId(), violations));
        }
      }
    }
    if (valid.isEmpty()) {
      if (refuseIfNoneValid) {
        throw wholeRequestInvalid(items.size(), rejected);
      }
      IngestOutcome none = new IngestOutcome(0, 0, rejected, List.of(), List.of());
      listener.onOutcome(none, System.nanoTime() - start);
      return none;
    }
    EventStore.AppendResult result = barrier.around(() -> appendAndNotify(valid));
    List<IngestOutcome.Conflict> conflicts = new ArrayList<>(result.conflicts().size());
    for (EventStore.Conflict c : result.conflicts()) {
      conflicts.add(
          new IngestOutcome.Conflict(validIndex.get(c.position()), c.eventId(), c.fields()));
    }
    IngestOutcome outcome =
        new IngestOutcome(
            result.stored().size(), result.duplicates(), rejected, conflicts, result.stored());
    listener.onOutcome(outcome, System.nanoTime() - start);
    return outcome;
  }

  private EventStore.AppendResult appendAndNotify(List<Event> valid) {
    EventStore.AppendResult result;
    try {
      result = store.append(valid);
    } catch (StoreException e) {
      throw new UnavailableException(
          "events not stored, retry the batch: " + e.getMessage(),
          Optional.of(Duration.ofSeconds(1)),
          e);
    }
    if (!result.stored().isEmpty()) {
      listener.onStored(result.stored());
    }
    return result;
  }

  private static InvalidInputException wholeRequestInvalid(
      int size, List<IngestOutcome.Rejection> rejected) {
    List<FieldError> errors = new ArrayList<>();
    outer:
    for (IngestOutcome.Rejection r : rejected) {
      for (FieldViolation v : r.violations()) {
        if (errors.size() == MAX_REPORTED) {
          break outer;
        }
        errors.add(new FieldError("events[" + r.index() + "]." + v.field(), v.reason()));
      }
    }
    String first = errors.isEmpty() ? "" : "; first: " + errors.get(0);
    return new InvalidInputException(
        "none of the " + size + " events is valid, nothing was stored" + first, errors);
  }
}
