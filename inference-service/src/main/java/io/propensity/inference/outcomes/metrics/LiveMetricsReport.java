package io.propensity.inference.outcomes.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The live metrics of a model.
 *
 * @param modelName the model
 * @param startDay first UTC day covered
 * @param endDay last UTC day covered
 * @param daily per version, alias and day: oldest day first, then version, then alias
 * @param overall per version and alias over the whole range
 * @param joinedUntil the oldest watermark of the model's versions (served before it are joined)
 */
public record LiveMetricsReport(
    String modelName,
    LocalDate startDay,
    LocalDate endDay,
    List<LiveMetric> daily,
    List<LiveMetric> overall,
    Optional<Instant> joinedUntil) {
  public LiveMetricsReport {
    daily = List.copyOf(daily);
    overall = List.copyOf(overall);
  }
}
