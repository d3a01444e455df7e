package io.propensity.training.pipeline.comparison;

import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.runtime.metrics.IntervalFormat;
import java.util.Objects;

/**
 * Whether LightGBM beats the logistic baseline by more than the confidence interval: the lower
 * bound of the paired interval of (model − baseline) is above 0, on ROC-AUC and on PR-AUC.
 *
 * @param rocAuc paired interval of model − baseline ROC-AUC
 * @param prAuc paired interval of model − baseline PR-AUC
 * @param beatsOnRocAuc whether {@code rocAuc}'s lower bound is above 0
 * @param beatsOnPrAuc whether {@code prAuc}'s lower bound is above 0
 * @param text the verdict in one plain sentence, e.g. {@code LightGBM beats the logistic baseline:
 *     ROC-AUC +0.031 [+0.012, +0.049], PR-AUC +0.040 [+0.015, +0.066]}
 */
public record Verdict(
    ConfidenceInterval rocAuc,
    ConfidenceInterval prAuc,
    boolean beatsOnRocAuc,
    boolean beatsOnPrAuc,
    String text) {

  public Verdict {
    Objects.requireNonNull(rocAuc, "rocAuc");
    Objects.requireNonNull(prAuc, "prAuc");
    Objects.requireNonNull(text, "text");
  }

  /** Whether the model beats the baseline on both ROC-AUC and PR-AUC. */
  public boolean beatsBaseline() {
    return beatsOnRocAuc && beatsOnPrAuc;
  }

  /**
   * The verdict on these paired intervals.
   *
   * @param levelPercent the intervals' level, for the text, e.g. {@code 95%}
   */
  public static Verdict of(
      ConfidenceInterval rocAuc, ConfidenceInterval prAuc, String levelPercent) {
    boolean roc = beats(rocAuc);
    boolean pr = beats(prAuc);
    String figures =
        "ROC-AUC "
            + IntervalFormat.difference(rocAuc)
            + ", PR-AUC "
            + IntervalFormat.difference(prAuc);
    String text;
    if (!rocAuc.isDefined() || !prAuc.isDefined()) {
      text =
          "cannot tell whether LightGBM beats the logistic baseline: the test rows do not define"
              + " both metrics (one class only?): "
              + figures;
    } else if (roc && pr) {
      text = "LightGBM beats the logistic baseline: " + figures;
    } else if (roc || pr) {
      text =
          "LightGBM beats the logistic baseline on "
              + (roc ? "ROC-AUC but not on PR-AUC" : "PR-AUC but not on ROC-AUC")
              + " by more than the "
              + levelPercent
              + " interval: "
              + figures;
    } else {
      text =
          "LightGBM does not beat the logistic baseline by more than the "
              + levelPercent
              + " interval: "
              + figures;
    }
    return new Verdict(rocAuc, prAuc, roc, pr, text);
  }

  private static boolean beats(ConfidenceInterval difference) {
    return difference.isDefined() && difference.lower() > 0;
  }
}
