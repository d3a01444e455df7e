package io.propensity.runtime.calibration;

import java.util.Arrays;

/**
 * How a model's raw score (log-odds) becomes the probability it serves. Fitted on held-out rows by
 * {@link Calibrator}, stored with the model version and applied by {@link CalibratedModel}, so
 * training evaluates and serving answers with the same map.
 *
 * <p>Every calibration is monotone non-decreasing in the raw score, so it never reverses the
 * model's ranking, and SHAP contributions (which add up to the raw score) keep their sign's
 * meaning: a feature that raises the raw score never lowers the probability. Calibrated
 * probabilities ({@link Platt}, {@link Isotonic}) lie in [{@link #MIN_PROBABILITY}, 1 − {@link
 * #MIN_PROBABILITY}], so no row is ever certain and log loss stays finite.
 */
public sealed interface Calibration
    permits Calibration.None, Calibration.Platt, Calibration.Isotonic {

  /** The lowest calibrated probability; the highest is {@code 1 - MIN_PROBABILITY}. */
  double MIN_PROBABILITY = 1e-6;

  /** The probability of the positive class for a raw score. */
  double probability(double rawScore);

  /** {@link CalibrationMethod#NONE}, {@link CalibrationMethod#PLATT} or {@code ISOTONIC}. */
  CalibrationMethod method();

  /** {@link #probability} of each raw score. */
  default double[] probabilities(double[] rawScores) {
    double[] out = new double[rawScores.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = probability(rawScores[i]);
    }
    return out;
  }

  /** No calibration: the probability is the model's own, the sigmoid of the raw score. */
  static Calibration none() {
    return new None();
  }

  /** {@code p = sigmoid(slope · raw + intercept)}. */
  static Calibration platt(double slope, double intercept) {
    return new Platt(slope, intercept);
  }

  /** Linear interpolation between points, flat beyond the first and the last. */
  static Calibration isotonic(double[] rawScores, double[] probabilities) {
    return new Isotonic(rawScores, probabilities);
  }

  /** The logistic function, computed without overflow. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }

  /** {@code p} moved into [{@link #MIN_PROBABILITY}, 1 − {@link #MIN_PROBABILITY}]. */
  static double clamp(double p) {
    return Math.min(1 - MIN_PROBABILITY, Math.max(MIN_PROBABILITY, p));
  }

  /**
   * No calibration: the probability is the sigmoid of the raw score, as LightGBM computes it. A
   * {@link CalibratedModel} with this calibration is the model itself (its own native probability,
   * bit for bit).
   */
  record None() implements Calibration {
    @Override
    public double probability(double rawScore) {
      return sigmoid(rawScore);
    }

    @Override
    public CalibrationMethod method() {
      return CalibrationMethod.NONE;
    }
  }

  /**
   * Platt scaling: a logistic regression on the raw score, {@code p = 1 / (1 + exp(-(slope · raw +
   * intercept)))}. The identity is slope 1, intercept 0; class weights or SMOTE typically show up
   * as an intercept near {@code -ln(weight)}.
   *
   * @param slope finite, ≥ 0 (a negative slope would reverse the ranking)
   * @param intercept finite
   */
  record Platt(double slope, double intercept) implements Calibration {
    public Platt {
      if (!Double.isFinite(slope) || slope < 0) {
        throw new IllegalArgumentException("Platt slope " + slope + " is not a finite number >= 0");
      }
      if (!Double.isFinite(intercept)) {
        throw new IllegalArgumentException("Platt intercept " + intercept + " is not finite");
      }
    }

    @Override
    public double probability(double rawScore) {
      return clamp(sigmoid(slope * rawScore + intercept));
    }

    @Override
    public CalibrationMethod method() {
      return CalibrationMethod.PLATT;
    }
  }

  /**
   * Isotonic calibration as points (raw score → probability): between two points the probability is
   * interpolated linearly, below the first and above the last it is the first's or the last's.
   * {@link Calibrator} places the points at the centres of the pool-adjacent-violators blocks.
   *
   * @param rawScores finite, strictly increasing, at least one
   * @param probabilities one per raw score, in [0, 1], non-decreasing
   */
  record Isotonic(double[] rawScores, double[] probabilities) implements Calibration {
    public Isotonic {
      if (rawScores.length == 0) {
        throw new IllegalArgumentException("isotonic calibration needs at least one point");
      }
      if (rawScores.length != probabilities.length) {
        throw new IllegalArgumentException(
            rawScores.length
                + " raw scores but "
                + probabilities.length
                + " probabilities; give one probability per raw score");
      }
      rawScores = rawScores.clone();
      probabilities = probabilities.clone();
      for (int i = 0; i < rawScores.length; i++) {
        if (!Double.isFinite(rawScores[i])) {
          throw new IllegalArgumentException(
              "point " + i + ": raw score " + rawScores[i] + " is not finite");
        }
        if (!(probabilities[i] >= 0 && probabilities[i] <= 1)) {
          throw new IllegalArgumentException(
              "point " + i + ": probability " + probabilities[i] + " is outside 0 to 1");
        }
        if (i > 0 && !(rawScores[i] > rawScores[i - 1])) {
          throw new IllegalArgumentException(
              "point "
                  + i
                  + ": raw score "
                  + rawScores[i]
                  + " is not above the previous point's "
                  + rawScores[i - 1]
                  + "; raw scores must increase strictly");
        }
        if (i > 0 && probabilities[i] < probabilities[i - 1]) {
          throw new IllegalArgumentException(
              "point "
                  + i
                  + ": probability "
                  + probabilities[i]
                  + " is below the previous point's "
                  + probabilities[i - 1]
                  + "; probabilities must not decrease");
        }
      }
    }

    @Override
    public double[] rawScores() {
      return rawScores.clone();
    }

    @Override
    public double[] probabilities() {
      return probabilities.clone();
    }

    /** Number of points. */
    public int size() {
      return rawScores.length;
    }

    @Override
    public double probability(double rawScore) {
      int last = rawScores.length - 1;
      if (Double.isNaN(rawScore)) {
        return Double.NaN;
      }
      if (rawScore <= rawScores[0]) {
        return clamp(probabilities[0]);
      }
      if (rawScore >= rawScores[last]) {
        return clamp(probabilities[last]);
      }
      int found = Arrays.binarySearch(rawScores, rawScore);
      if (found >= 0) {
        return clamp(probabilities[found]);
      }
      int hi = -found - 1; // first point above rawScore; 1 ≤ hi ≤ last
      int lo = hi - 1;
      double t = (rawScore - rawScores[lo]) / (rawScores[hi] - rawScores[lo]);
      return clamp(probabilities[lo] + t * (probabilities[hi] - probabilities[lo]));
    }

    @Override
    public CalibrationMethod method() {
      return CalibrationMethod.ISOTONIC;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Isotonic i
          && Arrays.equals(i.rawScores, rawScores)
          && Arrays.equals(i.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(rawScores) + Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
      return "Isotonic[" + rawScores.length + " points]";
    }
  }
}
