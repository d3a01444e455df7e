package io.propensity.inference.serving;

import io.propensity.runtime.Contributions;
import io.propensity.runtime.calibration.Calibration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request's hold on one served version: scoring through it is safe while the lease is open, even
 * if a newer version is swapped in meanwhile. Close it exactly when the request is done scoring.
 */
public final class ModelLease implements AutoCloseable {
  private final ServedModel served;
  private final AtomicBoolean closed = new AtomicBoolean();

  ModelLease(ServedModel served) {
    this.served = served;
  }

  /** The version this lease holds. */
  public ServedModel served() {
    return served;
  }

  /** Probability of the positive class for one row in schema order. */
  public double probability(double[] row) {
    return served.model().predictProbability(row);
  }

  /**
   * The model's raw score (log-odds) of one row, before calibration: it orders rows like the
   * probability does, and also within an isotonic calibration's flat steps.
   */
  public double rawScore(double[] row) {
    return served.model().predictRaw(row);
  }

  /** Whether the probability can tie where the raw score does not (an isotonic calibration). */
  public boolean probabilityHasSteps() {
    return served.model().calibration() instanceof Calibration.Isotonic;
  }

  /** SHAP contributions (log-odds) of one row. */
  public Contributions contributions(double[] row) {
    return served.model().contributions(row);
  }

  /**
   * The {@code k} features that moved one row's raw score most (see {@code
   * ScoringModel#topContributions}): indices into {@code features}, contributions into {@code
   * values}; returns how many.
   */
  public int topContributions(double[] row, int k, int[] features, double[] values) {
    return served.model().topContributions(row, k, features, values);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      served.release();
    }
  }
}
