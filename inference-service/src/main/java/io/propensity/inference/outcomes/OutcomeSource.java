package io.propensity.inference.outcomes;

import java.time.Instant;
import java.util.List;

/** Labels (user, served-at) pairs with the training-set rules (feature-service's GetOutcomes). */
public interface OutcomeSource {

  /** The status of each query, in query order; at most {@link #MAX_QUERIES} queries. */
  List<OutcomeStatus> outcomes(LabelSpec spec, List<Query> queries);

  /** Most queries per call (feature-service's limit). */
  int MAX_QUERIES = 10_000;

  /** One served prediction to label. */
  record Query(String userId, Instant servedAt) {}
}
