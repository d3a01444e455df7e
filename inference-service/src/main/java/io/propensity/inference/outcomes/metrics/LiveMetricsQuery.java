package io.propensity.inference.outcomes.metrics;

import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which live metrics to compute.
 *
 * @param modelName the model (required: blank is refused)
 * @param modelVersion only this version
 * @param modelAlias only this alias
 * @param startDay first UTC day; empty = 30 days before the end day
 * @param endDay last UTC day, inclusive; empty = today
 */
public record LiveMetricsQuery(
    String modelName,
    OptionalLong modelVersion,
    Optional<String> modelAlias,
    Optional<LocalDate> startDay,
    Optional<LocalDate> endDay) {}
