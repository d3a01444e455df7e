package io.propensity.runtime.metrics;

import java.util.Objects;

/**
 * One way of scoring a set of rows: a probability per row (for the ranking metrics and log loss)
 * and a yes/no decision per row (for F1). A model decides at its threshold; a rule decides by
 * firing, whatever its probability.
 *
 * @param name how results name it, e.g. {@code lightgbm}; unique among the scorers compared
 * @param probabilities probability of the positive class per row, each in [0, 1]
 * @param decisions whether the scorer flags the row as positive, same length
 */
public record Scorer(String name, double[] probabilities, boolean[] decisions) {

  public Scorer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(probabilities, "probabilities");
    Objects.requireNonNull(decisions, "decisions");
    if (probabilities.length != decisions.length) {
      throw new IllegalArgumentException(
          name
              + ": "
              + probabilities.length
              + " probabilities but "
              + decisions.length
              + " decisions");
    }
  }

  /** A scorer that flags the rows whose probability is ≥ {@code threshold}. */
  public static Scorer atThreshold(String name, double[] probabilities, double threshold) {
    boolean[] decisions = new boolean[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      decisions[i] = probabilities[i] >= threshold;
    }
    return new Scorer(name, probabilities, decisions);
  }

  /** Rows scored. */
  public int rows() {
    return probabilities.length;
  }
}
