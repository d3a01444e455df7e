package io.propensity.inference.challenge;

import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Labeled served answers for tests. */
final class Answers {
  static final LoggedSchema SCHEMA = new LoggedSchema("test-schema", List.of());

  private Answers() {}

  static LabeledPrediction labeled(
      String requestId,
      int row,
      Instant at,
      String user,
      String alias,
      long version,
      double probability,
      double threshold,
      boolean positive) {
    ServedPrediction served =
        new ServedPrediction(
            requestId,
            row,
            at,
            ServedEndpoint.PREDICT,
            Optional.of(user),
            "purchase",
            version,
            alias,
            SCHEMA,
            new double[0],
            probability,
            probability >= threshold,
            threshold,
            false,
            List.of());
    return new LabeledPrediction(served, positive, at.plusSeconds(7 * 86_400));
  }
}
