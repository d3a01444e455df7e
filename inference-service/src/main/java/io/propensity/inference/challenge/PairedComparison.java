package io.propensity.inference.challenge;

import io.propensity.runtime.metrics.ConfidenceInterval;
import java.util.Objects;

/**
 * Production and challenger compared on the same requests: their answers paired on (request id, row
 * index) and both judged against the one outcome of that row. Every difference is {@code challenger
 * − production}.
 *
 * @param modelName the model
 * @param pairs rows both answered whose outcome is known
 * @param positives pairs whose outcome was positive
 * @param production production's metrics
 * @param challenger challenger's metrics
 * @param rocAuc DeLong's paired test of the ROC-AUC difference (A = challenger, B = production)
 * @param prAucDifference paired bootstrap interval of the PR-AUC difference (users drawn whole)
 * @param bootstrap how the bootstrap was drawn, in words
 * @param meanScoreDifference mean over pairs of challenger's probability − production's
 * @param spearman Spearman's ρ of the two sides' scores
 * @param kendall Kendall's τ-b of the two sides' scores
 */
public record PairedComparison(
    String modelName,
    int pairs,
    int positives,
    SideMetrics production,
    SideMetrics challenger,
    DeLong.Result rocAuc,
    ConfidenceInterval prAucDifference,
    String bootstrap,
    double meanScoreDifference,
    double spearman,
    double kendall) {
  public PairedComparison {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(production, "production");
    Objects.requireNonNull(challenger, "challenger");
    Objects.requireNonNull(rocAuc, "rocAuc");
    Objects.requireNonNull(prAucDifference, "prAucDifference");
    Objects.requireNonNull(bootstrap, "bootstrap");
  }

  /** The challenger's lead on {@code metric}, with its interval at the comparison's level. */
  public ConfidenceInterval difference(ComparisonMetric metric) {
    return switch (metric) {
      case ROC_AUC -> new ConfidenceInterval(rocAuc.difference(), rocAuc.lower(), rocAuc.upper());
      case PR_AUC -> prAucDifference;
    };
  }
}
