package io.propensity.runtime.metrics;

/** A point of the precision-recall curve: predicting positive when probability ≥ threshold. */
public record PrPoint(double threshold, double recall, double precision) {}
