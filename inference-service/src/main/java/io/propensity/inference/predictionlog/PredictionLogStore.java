package io.propensity.inference.predictionlog;

import java.time.Instant;
import java.util.List;

/**
 * Where the served-prediction log keeps its records: the embedded SQLite file or PostgreSQL (one
 * contract, {@code PredictionLogStoreContract}).
 */
public interface PredictionLogStore extends AutoCloseable {
  /** Appends a batch in one transaction, recording any schema not seen before. */
  void append(List<ServedPrediction> batch);

  /** A page of the records the query selects, oldest first. */
  PredictionPage list(PredictionQuery query);

  /** Deletes the records served before {@code cutoff}; returns how many. */
  long deleteServedBefore(Instant cutoff);

  @Override
  void close();
}
