package io.propensity.inference.ranking;

import java.time.Instant;
import java.util.Optional;

/**
 * Totals of a ranking.
 *
 * @param modelName model that scored
 * @param modelVersion version that scored
 * @param scored candidates scored
 * @param selected users returned
 * @param expectedConversions sum of the selected users' probabilities
 * @param baseRate mean probability over all scored candidates
 * @param lift mean probability of the selection divided by the base rate (0 when either is 0)
 * @param threshold the version's decision threshold
 * @param featuresAsOf newest instant the candidates' features were computed as of
 */
public record RankingSummary(
    String modelName,
    long modelVersion,
    long scored,
    long selected,
    double expectedConversions,
    double baseRate,
    double lift,
    double threshold,
    Optional<Instant> featuresAsOf) {}
