package io.propensity.training.registry;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What a promotion policy decided for a candidate version, and why.
 *
 * @param name model name
 * @param candidateVersion the version considered
 * @param promoted whether {@code production} now points at the candidate because of this decision
 * @param reason why, as a closed set a caller can branch on
 * @param productionVersion the version {@code production} pointed at when the policy ran; empty
 *     when there was none
 * @param metric the metric compared
 * @param candidateValue the candidate's value of the metric, when it has one
 * @param productionValue production's value of the metric, when there is a production with one
 * @param explanation the decision in one sentence a user can act on
 */
public record PromotionDecision(
    String name,
    long candidateVersion,
    boolean promoted,
    Reason reason,
    OptionalLong productionVersion,
    Metric metric,
    OptionalDouble candidateValue,
    OptionalDouble productionValue,
    String explanation) {

  /** Why a candidate was or was not promoted. */
  public enum Reason {
    /** Promoted: the model had no production version. */
    NO_PRODUCTION_YET,
    /** Promoted: the candidate beats production by at least the margin. */
    BETTER,
    /** Not promoted: the candidate does not beat production by the margin. */
    NOT_BETTER,
    /** Not promoted: the candidate's feature schema differs from production's. */
    SCHEMA_MISMATCH,
    /** Not promoted: the candidate or production lacks the metric. */
    METRIC_MISSING,
    /** Not promoted: the candidate already is production. */
    ALREADY_PRODUCTION,
    /**
     * Not promoted: the candidate does not beat its own logistic baseline on the metric by more
     * than the confidence interval (the paired interval of model − baseline reaches 0).
     */
    NOT_BETTER_THAN_BASELINE
  }
}
