package io.propensity.runtime.metrics;

/**
 * A point of the ROC curve: predicting positive when probability ≥ threshold gives these rates. The
 * first point has threshold +∞ (nothing predicted positive).
 */
public record RocPoint(double threshold, double falsePositiveRate, double truePositiveRate) {}
