package io.propensity.training.pipeline.model;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one LightGBM fit.
 *
 * @param modelText the model in LightGBM text format, truncated at {@code bestIteration}
 * @param bestIteration the iteration (1-based) with the best validation metric; the model's size
 * @param iterationsRun iterations actually boosted (best + patience at most)
 * @param metric the metric watched
 * @param bestValidationMetric the validation metric at {@code bestIteration} (NaN without
 *     validation)
 * @param validationCurve the validation metric after each iteration
 * @param params every LightGBM parameter passed, as {@code key → value}
 */
public record LightGbmFit(
    String modelText,
    int bestIteration,
    int iterationsRun,
    EarlyStoppingMetric metric,
    double bestValidationMetric,
    List<Double> validationCurve,
    Map<String, String> params) {

  public LightGbmFit {
    validationCurve = List.copyOf(validationCurve);
    params = Map.copyOf(params);
  }
}
