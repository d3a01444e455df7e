package io.propensity.inference.scoring;

import io.propensity.inference.serving.ServedModel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A score with its decision, the version that computed it, and optionally its top factors.
 *
 * @param userId the user scored; empty for a feature-vector input
 * @param probability probability of the model's target, 0 to 1
 * @param label probability ≥ threshold
 * @param threshold the version's decision threshold
 * @param modelName model that scored
 * @param modelVersion version that scored
 * @param coldStart nothing was known about the user
 * @param factors top factors by |contribution|, descending; empty when none were asked for
 * @param featuresAsOf instant the features were computed as of; empty for a vector input
 * @param servedBy the version that scored and the values it scored, for the served-prediction log
 *     (not sent to the caller)
 */
public record Prediction(
    Optional<String> userId,
    double probability,
    boolean label,
    double threshold,
    String modelName,
    long modelVersion,
    boolean coldStart,
    List<ExplainedFactor> factors,
    Optional<Instant> featuresAsOf,
    ServedBy servedBy) {
  public Prediction {
    factors = List.copyOf(factors);
  }

  /**
   * What scored a prediction, as the served-prediction log records it.
   *
   * @param model the version (its alias, schema and feature names); only its metadata may be read
   *     once the request's lease is released
   * @param values the values scored in the version's vector order; not copied, never written to
   */
  public record ServedBy(ServedModel model, double[] values) {}
}
