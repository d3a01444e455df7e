package io.propensity.feature.ingest;

import java.util.function.Supplier;

/**
 * Brackets each "store a batch, then tell the listeners" step of ingestion, so that something
 * reading derived state together with the event store's high-water mark (a snapshot of the online
 * state) never sees a batch stored but not yet applied.
 */
public interface IngestBarrier {
  /** No bracketing. */
  IngestBarrier NONE =
      new IngestBarrier() {
        @Override
        public <T> T around(Supplier<T> step) {
          return step.get();
        }
      };

  /** Runs {@code step} (append and notify) inside the barrier; steps may run concurrently. */
  <T> T around(Supplier<T> step);
}
