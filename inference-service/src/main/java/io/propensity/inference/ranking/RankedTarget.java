package io.propensity.inference.ranking;

import io.propensity.inference.scoring.ExplainedFactor;
import java.util.List;

/**
 * One ranked user.
 *
 * @param rank 1-based; 1 is the most likely
 * @param userId the user
 * @param probability probability of the target
 * @param coldStart nothing was known about the user
 * @param factors top factors; empty when none were asked for
 */
public record RankedTarget(
    long rank,
    String userId,
    double probability,
    boolean coldStart,
    List<ExplainedFactor> factors) {
  public RankedTarget {
    factors = List.copyOf(factors);
  }
}
