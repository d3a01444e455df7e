package io.propensity.training.pipeline.imbalance;

/**
 * How to counter a rare positive class while fitting. Applied to the rows a model is fitted on
 * only: validation, out-of-fold and test rows are never reweighted or resampled.
 */
public sealed interface ImbalanceStrategy {

  /** Fit on the rows as they are. */
  record None() implements ImbalanceStrategy {}

  /**
   * Weigh the minority class up: LightGBM {@code scale_pos_weight = negatives / positives}; the
   * baseline gets the same weight on each positive example.
   */
  record ClassWeights() implements ImbalanceStrategy {}

  /**
   * Synthesise minority rows between a minority row and one of its {@code k} nearest minority
   * neighbours until minority/majority reaches {@code targetRatio}.
   *
   * @param k neighbours to choose from, ≥ 1
   * @param targetRatio minority rows per majority row after resampling, in (0, 1]
   */
  record Smote(int k, double targetRatio) implements ImbalanceStrategy {
    public Smote {
      if (k < 1) {
        throw new IllegalArgumentException("SMOTE k must be >= 1, was " + k);
      }
      if (!(targetRatio > 0 && targetRatio <= 1)) {
        throw new IllegalArgumentException(
            "SMOTE targetRatio must be in (0, 1], was " + targetRatio);
      }
    }
  }

  static ImbalanceStrategy none() {
    return new None();
  }

  static ImbalanceStrategy classWeights() {
    return new ClassWeights();
  }

  /** SMOTE with k = 5 up to a balanced 1:1. */
  static ImbalanceStrategy smote() {
    return new Smote(5, 1.0);
  }

  /** A short name for reports: NONE, CLASS_WEIGHTS, SMOTE(k=5, ratio=1.0). */
  default String describe() {
    if (this instanceof Smote s) {
      return "SMOTE(k=" + s.k() + ", ratio=" + s.targetRatio() + ")";
    }
    return this instanceof ClassWeights ? "CLASS_WEIGHTS" : "NONE";
  }
}
