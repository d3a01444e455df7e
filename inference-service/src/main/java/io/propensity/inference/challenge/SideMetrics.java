package io.propensity.inference.challenge;

/**
 * One side's metrics on the paired rows.
 *
 * @param side the alias and version
 * @param rocAuc ROC-AUC on the paired rows
 * @param prAuc PR-AUC (average precision) on the paired rows
 * @param threshold the version's own decision threshold, as served
 * @param precision precision at that threshold; NaN when nothing was flagged
 * @param recall recall at that threshold
 * @param meanScore mean served probability
 */
public record SideMetrics(
    ComparedSide side,
    double rocAuc,
    double prAuc,
    double threshold,
    double precision,
    double recall,
    double meanScore) {}
