package io.propensity.training.pipeline;

import io.propensity.runtime.calibration.CalibrationFit;
import io.propensity.runtime.calibration.CalibrationMethod;
import io.propensity.runtime.metrics.Reliability;
import java.util.Objects;

/**
 * How a run calibrated its probabilities, and what that did on the test rows.
 *
 * @param requested the method asked for ({@link CalibrationMethod#AUTO} by default)
 * @param model the model's calibration, fitted on held-out raw scores (out-of-fold scores of train
 *     + validation for a refitted model, else the validation rows scored by the model fitted on the
 *     training rows); stored with the version and applied when serving
 * @param baseline the baseline's calibration, fitted the same way on its own validation
 *     probabilities, so that log loss and Brier compare like with like
 * @param uncalibrated the test rows scored by the final model without calibration (the sigmoid of
 *     its raw score)
 * @param calibrated the same rows with the calibrated probabilities: what the model serves
 */
public record CalibrationReport(
    CalibrationMethod requested,
    CalibrationFit model,
    CalibrationFit baseline,
    Reliability uncalibrated,
    Reliability calibrated) {
  public CalibrationReport {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(uncalibrated, "uncalibrated");
    Objects.requireNonNull(calibrated, "calibrated");
  }
}
