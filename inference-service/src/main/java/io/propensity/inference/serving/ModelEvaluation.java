package io.propensity.inference.serving;

import io.propensity.runtime.metrics.CalibrationBin;
import io.propensity.runtime.metrics.ConfusionMatrix;
import io.propensity.runtime.metrics.LiftDecile;
import java.util.List;

/**
 * The test evaluation the registry recorded for a version, without curves; shown by GetModelInfo.
 *
 * @param modelKind what was evaluated, e.g. {@code lightgbm}
 * @param rows rows evaluated
 * @param positives positive rows among them
 * @param threshold decision threshold of the threshold-dependent figures
 * @param confusion confusion matrix at the threshold
 * @param precision precision at the threshold
 * @param recall recall at the threshold
 * @param f1 F1 at the threshold
 * @param rocAuc area under the ROC curve
 * @param prAuc area under the precision-recall curve
 * @param logLoss mean binary cross-entropy
 * @param brier Brier score
 * @param deciles lift and gain by decile ({@code maxProbability} is not recorded: NaN)
 * @param calibration reliability bins
 */
public record ModelEvaluation(
    String modelKind,
    long rows,
    long positives,
    double threshold,
    ConfusionMatrix confusion,
    double precision,
    double recall,
    double f1,
    double rocAuc,
    double prAuc,
    double logLoss,
    double brier,
    List<LiftDecile> deciles,
    List<CalibrationBin> calibration) {
  public ModelEvaluation {
    deciles = List.copyOf(deciles);
    calibration = List.copyOf(calibration);
  }
}
