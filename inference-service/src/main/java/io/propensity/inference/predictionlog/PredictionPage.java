package io.propensity.inference.predictionlog;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One page of logged predictions.
 *
 * @param predictions the predictions, oldest first
 * @param schemas the schemas they refer to, by hash
 * @param next position to continue after; empty when this is the last page
 */
public record PredictionPage(
    List<ServedPrediction> predictions, Map<String, LoggedSchema> schemas, OptionalLong next) {
  public PredictionPage {
    predictions = List.copyOf(predictions);
    schemas = Map.copyOf(schemas);
  }
}
