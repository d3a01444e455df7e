package io.propensity.runtime.calibration;

import io.propensity.runtime.Contributions;
import io.propensity.runtime.ScoringModel;
import java.util.Objects;

/**
 * A scoring model whose probabilities go through a {@link Calibration}: {@code
 * predictProbability(row) = calibration.probability(predictRaw(row))}. Raw scores and SHAP
 * contributions are the model's own (they explain the raw score; the probability is its calibrated
 * transform). Training evaluates through this class and inference serves through it, so both give
 * the same calibrated probability for a row.
 *
 * <p>Thread-safe when the model is. Closing it closes the model.
 */
public final class CalibratedModel implements ScoringModel {
  private final ScoringModel model;
  private final Calibration calibration;

  private CalibratedModel(ScoringModel model, Calibration calibration) {
    this.model = model;
    this.calibration = calibration;
  }

  /**
   * {@code model} with {@code calibration} applied; the model itself for {@link Calibration.None},
   * so an uncalibrated model's probabilities stay its own, bit for bit.
   */
  public static ScoringModel of(ScoringModel model, Calibration calibration) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(calibration, "calibration");
    if (calibration instanceof Calibration.None) {
      return model;
    }
    return new CalibratedModel(model, calibration);
  }

  @Override
  public int featureCount() {
    return model.featureCount();
  }

  @Override
  public double predictProbability(double[] row) {
    return calibration.probability(model.predictRaw(row));
  }

  @Override
  public double[] predictProbabilities(double[][] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = calibration.probability(model.predictRaw(rows[i]));
    }
    return out;
  }

  @Override
  public double predictRaw(double[] row) {
    return model.predictRaw(row);
  }

  @Override
  public Contributions contributions(double[] row) {
    return model.contributions(row);
  }

  @Override
  public Contributions[] contributions(double[][] rows) {
    return model.contributions(rows);
  }

  @Override
  public int topContributions(double[] row, int k, int[] features, double[] values) {
    return model.topContributions(row, k, features, values);
  }

  @Override
  public Calibration calibration() {
    return calibration;
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return model + " calibrated " + calibration;
  }
}
