package io.propensity.inference.predictionlog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the served-prediction log keeps its records: the embedded SQLite file or PostgreSQL (one
 * contract, {@code PredictionLogStoreContract}).
 */
public interface PredictionLogStore extends AutoCloseable {
  /** Appends a batch in one transaction, recording any schema not seen before. */
  void append(List<ServedPrediction> batch);

  /** A page of the records the query selects, oldest first. */
  PredictionPage list(PredictionQuery query);

  /**
   * A page of the records the query selects that were served for {@code modelAlias} (e.g. {@code
   * production}, or a shadow alias such as {@code challenger}), oldest first; every alias when
   * empty. This default filters a page of {@link #list(PredictionQuery)}, so a page may hold fewer
   * records than the limit while more follow; stores override it with a query of their own.
   */
  default PredictionPage list(PredictionQuery query, Optional<String> modelAlias) {
    PredictionPage page = list(query);
    if (modelAlias.isEmpty()) {
      return page;
    }
    return new PredictionPage(
        page.predictions().stream().filter(p -> p.modelAlias().equals(modelAlias.get())).toList(),
        page.schemas(),
        page.next());
  }

  /** Deletes the records served before {@code cutoff}; returns how many. */
  long deleteServedBefore(Instant cutoff);

  @Override
  void close();
}
