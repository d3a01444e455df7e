package io.propensity.feature.ingest;

import io.propensity.engine.event.Event;
import java.util.List;

/** Told about events once they are durably stored (online features, metrics). */
public interface IngestListener {
  /** Called after commit with the newly stored events, in request order. */
  void onStored(List<Event> stored);

  /** Called once per request with its outcome and how long it took. */
  default void onOutcome(IngestOutcome outcome, long nanos) {}
}
