package io.propensity.training.pipeline.model;

/** The validation metric that early stopping and tuning watch. */
public enum EarlyStoppingMetric {
  /** Binary log loss (lower is better): also rewards calibration. */
  BINARY_LOGLOSS("binary_logloss", false),
  /** ROC-AUC (higher is better): ranking only. */
  AUC("auc", true);

  private final String lightGbmName;
  private final boolean higherIsBetter;

  EarlyStoppingMetric(String lightGbmName, boolean higherIsBetter) {
    this.lightGbmName = lightGbmName;
    this.higherIsBetter = higherIsBetter;
  }

  /** The name LightGBM uses in {@code metric=} and eval names. */
  public String lightGbmName() {
    return lightGbmName;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** Whether {@code candidate} is strictly better than {@code incumbent}. */
  public boolean better(double candidate, double incumbent) {
    if (Double.isNaN(incumbent)) {
      return !Double.isNaN(candidate);
    }
    return higherIsBetter ? candidate > incumbent : candidate < incumbent;
  }
}
