package io.propensity.training.pipeline.split;

/**
 * One cross-validation fold: rows to fit on and rows to validate on (dataset indices, ascending).
 */
public record Fold(int index, int[] fit, int[] validate) {
  public Fold {
    fit = fit.clone();
    validate = validate.clone();
  }

  @Override
  public int[] fit() {
    return fit.clone();
  }

  @Override
  public int[] validate() {
    return validate.clone();
  }
}
