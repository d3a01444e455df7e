package io.propensity.runtime.metrics;

/**
 * Picks the decision threshold that maximises an F-score on validation data. Candidates are the
 * distinct predicted probabilities; at a candidate t, rows with probability ≥ t are positive. On a
 * tie the higher threshold wins (fewer rows flagged for the same score).
 */
public final class ThresholdSelector {

  private ThresholdSelector() {}

  /** The threshold with the best F1. */
  public static ThresholdChoice bestF1(double[] probabilities, boolean[] labels) {
    return bestFBeta(probabilities, labels, 1.0);
  }

  /**
   * The threshold with the best F-β (β &gt; 1 favours recall, β &lt; 1 precision).
   *
   * @throws IllegalArgumentException for empty or mismatched inputs, probabilities outside [0, 1],
   *     a non-positive β, or labels without a single positive (no threshold is meaningful then)
   */
  public static ThresholdChoice bestFBeta(double[] probabilities, boolean[] labels, double beta) {
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta must be a positive finite number, got " + beta);
    }
    RankedScores ranked = RankedScores.of(probabilities, labels);
    if (ranked.positives == 0) {
      throw new IllegalArgumentException(
          "cannot choose a threshold: the validation labels contain no positive");
    }
    long positives = ranked.positives;
    long negatives = ranked.negatives();
    ThresholdChoice[] best = {null};
    ranked.forEachScoreGroup(
        (score, tp, fp) -> {
          ConfusionMatrix m = new ConfusionMatrix(tp, fp, negatives - fp, positives - tp);
          double f = m.fBeta(beta);
          if (best[0] == null || f > best[0].score()) {
            best[0] = new ThresholdChoice(score, beta, f, m.precision(), m.recall());
          }
        });
    return best[0];
  }
}
