package io.propensity.runtime.metrics;

/**
 * One tenth of the rows ranked by predicted probability, highest first (decile 1 = top 10%). Rates
 * are NaN for an empty decile (fewer than 10 rows); lifts and gains are NaN when the whole set has
 * no positives.
 *
 * @param decile 1 to 10
 * @param rows rows in this decile
 * @param positives positive labels in this decile
 * @param minProbability lowest probability in the decile
 * @param maxProbability highest probability in the decile
 * @param positiveRate positives / rows
 * @param lift positiveRate / base rate of the whole set
 * @param cumulativeGain share of all positives captured by deciles 1..decile, in [0, 1]
 * @param cumulativeLift positive rate of deciles 1..decile / base rate
 */
public record LiftDecile(
    int decile,
    long rows,
    long positives,
    double minProbability,
    double maxProbability,
    double positiveRate,
    double lift,
    double cumulativeGain,
    double cumulativeLift) {}
