package io.propensity.runtime;

/** {@link TrainedModels} for tests in other packages of this module. */
public final class TrainedModelsAccess {
  private TrainedModelsAccess() {}

  /** A small binary model over 5 features. */
  public static String smallBinary() {
    return TrainedModels.smallBinary();
  }

  /** Random rows with some missing values. */
  public static double[][] randomRows(int rows, int features, long seed) {
    return TrainedModels.randomRows(rows, features, seed);
  }
}
