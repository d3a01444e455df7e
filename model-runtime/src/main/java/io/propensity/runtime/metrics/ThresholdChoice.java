package io.propensity.runtime.metrics;

/**
 * The decision threshold chosen on validation data and what it achieved there.
 *
 * @param threshold predict positive when probability ≥ threshold
 * @param beta the β of the F-score maximised (1 = F1)
 * @param score the F-β reached on the validation data at this threshold
 * @param precision precision at this threshold
 * @param recall recall at this threshold
 */
public record ThresholdChoice(
    double threshold, double beta, double score, double precision, double recall) {}
