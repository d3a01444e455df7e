package io.propensity.inference.predictionlog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One answer the service gave, as the served-prediction log records it.
 *
 * @param requestId the request's id (the caller's, or generated)
 * @param rowIndex position within the request: 0 for Predict, the input index of a batch, the event
 *     index of a stream, rank − 1 of a ranking
 * @param servedAt when the answer was computed
 * @param endpoint the RPC that answered
 * @param userId the user or provided row id; empty for a feature-vector input
 * @param modelName model that scored
 * @param modelVersion version that scored
 * @param modelAlias alias the version was served for, e.g. {@code production}
 * @param schema the feature schema the values follow
 * @param features the values scored in schema order; empty when not recorded. Not copied: the
 *     scoring path hands over arrays it no longer writes to
 * @param probability probability served
 * @param decision probability ≥ threshold
 * @param threshold the version's threshold
 * @param coldStart nothing was known about the user
 * @param factors top factors served; empty when none were asked for
 */
public record ServedPrediction(
    String requestId,
    int rowIndex,
    Instant servedAt,
    ServedEndpoint endpoint,
    Optional<String> userId,
    String modelName,
    long modelVersion,
    String modelAlias,
    LoggedSchema schema,
    double[] features,
    double probability,
    boolean decision,
    double threshold,
    boolean coldStart,
    List<LoggedFactor> factors) {
  public ServedPrediction {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(servedAt, "servedAt");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(modelAlias, "modelAlias");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(features, "features");
    factors = List.copyOf(factors);
  }

  /** Whether the feature values were recorded. */
  public boolean hasFeatures() {
    return features.length > 0;
  }

  /**
   * One top factor as served.
   *
   * @param feature feature name
   * @param value the feature's value (NaN = missing)
   * @param contribution SHAP contribution in log-odds
   */
  public record LoggedFactor(String feature, double value, double contribution) {}
}
