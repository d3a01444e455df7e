package io.propensity.runtime.metrics;

/**
 * Rows whose predicted probability falls in {@code [lower, upper)} (the last bin includes 1.0),
 * with what was predicted and what happened. Means are NaN for an empty bin.
 *
 * @param lower inclusive lower bound
 * @param upper exclusive upper bound (inclusive for the last bin)
 * @param rows rows in the bin
 * @param meanPredicted mean predicted probability of those rows
 * @param observedRate share of those rows with a positive label
 */
public record CalibrationBin(
    double lower, double upper, long rows, double meanPredicted, double observedRate) {}
