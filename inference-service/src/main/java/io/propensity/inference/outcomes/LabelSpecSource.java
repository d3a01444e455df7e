package io.propensity.inference.outcomes;

/** Where a version's target and horizon come from (the model registry). */
public interface LabelSpecSource {

  /**
   * The label spec of one version, or why it has none (a tabular-file model, a session-conversion
   * model, a version registered without lineage).
   */
  Resolution labelSpec(String modelName, long version);

  /** A spec, or the reason there is none. */
  sealed interface Resolution {}

  /** The version's spec. */
  record Found(LabelSpec spec) implements Resolution {}

  /** The version cannot be labelled, and why. */
  record Missing(String reason) implements Resolution {}
}
