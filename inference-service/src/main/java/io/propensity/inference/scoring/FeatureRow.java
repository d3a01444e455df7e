package io.propensity.inference.scoring;

import java.time.Instant;
import java.util.Optional;

/**
 * An input resolved to feature values, ready to score.
 *
 * @param userId the user, when known
 * @param values values in schema order
 * @param coldStart nothing was known about the user
 * @param asOf instant the features were computed as of; empty for a vector input
 */
public record FeatureRow(
    Optional<String> userId, double[] values, boolean coldStart, Optional<Instant> asOf) {}
