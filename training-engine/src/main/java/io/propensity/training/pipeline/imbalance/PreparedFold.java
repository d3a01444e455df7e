package io.propensity.training.pipeline.imbalance;

/**
 * What a trainer sees for one fit: the (possibly resampled or weighted) fitting rows and the
 * untouched rows it is validated (early stopping, threshold) on.
 */
public record PreparedFold(FitData fit, FitData validation) {}
