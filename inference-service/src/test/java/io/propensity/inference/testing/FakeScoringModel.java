package io.propensity.inference.testing;

import io.propensity.runtime.Contributions;
import io.propensity.runtime.ScoringModel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transparent stand-in for a native model in domain unit tests: the probability is the row's
 * first value (clamped to 0..1), and any use after {@link #close()} fails like a freed native
 * model.
 */
public class FakeScoringModel implements ScoringModel {
  private final int features;
  private final AtomicInteger closes = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();

  public FakeScoringModel(int features) {
    this.features = features;
  }

  public int closes() {
    return closes.get();
  }

  private void use() {
    if (closes.get() > 0) {
      throw new IllegalStateException("used after close");
    }
  }

  @Override
  public int featureCount() {
    return features;
  }

  @Override
  public double predictProbability(double[] row) {
    inFlight.incrementAndGet();
    try {
      use();
      return Math.max(0, Math.min(1, row[0]));
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public double[] predictProbabilities(double[][] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = predictProbability(rows[i]);
    }
    return out;
  }

  @Override
  public double predictRaw(double[] row) {
    double p = predictProbability(row);
    return Math.log(p / (1 - p));
  }

  @Override
  public Contributions contributions(double[] row) {
    use();
    double[] c = new double[features];
    for (int i = 0; i < Math.min(features, row.length); i++) {
      c[i] = Double.isNaN(row[i]) ? 0 : row[i] / (i + 1);
    }
    return new Contributions(c, -1);
  }

  @Override
  public Contributions[] contributions(double[][] rows) {
    Contributions[] out = new Contributions[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = contributions(rows[i]);
    }
    return out;
  }

  @Override
  public void close() {
    if (inFlight.get() > 0) {
      throw new IllegalStateException("closed while scoring");
    }
    closes.incrementAndGet();
  }
}
