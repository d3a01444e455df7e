package io.propensity.training.pipeline.imbalance;

import io.propensity.training.pipeline.data.Dataset;

/** Applies an {@link ImbalanceStrategy} to the fitting rows of one fit, and to nothing else. */
public final class ImbalanceHandler {
  private ImbalanceHandler() {}

  /**
   * The fitting rows prepared per {@code strategy}, and the validation rows exactly as they are in
   * {@code data} (never resampled, never weighted).
   */
  public static PreparedFold prepare(
      Dataset data, int[] fitRows, int[] validationRows, ImbalanceStrategy strategy, long seed) {
    return new PreparedFold(
        prepareFit(data, fitRows, strategy, seed), FitData.of(data, validationRows));
  }

  /** Only the fitting rows, prepared per {@code strategy}. */
  public static FitData prepareFit(
      Dataset data, int[] fitRows, ImbalanceStrategy strategy, long seed) {
    if (strategy instanceof ImbalanceStrategy.Smote s) {
      return Smote.resample(data, fitRows, s.k(), s.targetRatio(), seed);
    }
    FitData plain = FitData.of(data, fitRows);
    if (strategy instanceof ImbalanceStrategy.ClassWeights) {
      int pos = plain.positives();
      int neg = plain.rows() - pos;
      double w = pos == 0 ? 1.0 : (double) neg / pos;
      return new FitData(plain.values(), plain.cols(), plain.labels(), plain.rows(), w);
    }
    return plain;
  }
}
