package io.propensity.training.pipeline.tuning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A small tree-structured Parzen estimator (Bergstra et al., "Algorithms for Hyper-Parameter
 * Optimization", NeurIPS 2011), hand-written because the Java ecosystem has no maintained TPE
 * library on Maven Central, and this one is ~150 lines over our own unit-cube search space.
 *
 * <p>How a point is proposed, working in the unit cube of {@link SearchSpace}:
 *
 * <ol>
 *   <li>Until {@code warmup} trials have finished, draw uniformly at random.
 *   <li>Sort finished trials by loss; the best {@code gamma} share (at least one) is "good", the
 *       rest "bad".
 *   <li>Per dimension, build two Parzen densities, l(x) over the good points and g(x) over the bad:
 *       a mixture of Gaussians truncated to [0, 1], one per point with a bandwidth equal to the
 *       larger gap to its neighbours (clipped to [1/min(100, n+1), 1]), plus a wide prior component
 *       N(0.5, 1) so no region ever has zero density.
 *   <li>Draw {@code candidates} points from l and return the one maximising l(x)/g(x) (dimensions
 *       treated as independent, so the ratio is a product over dimensions).
 * </ol>
 *
 * Deterministic for a given history and {@link Random}.
 */
public final class TpeSampler {
  /** A finished trial: its unit-cube point and its loss (lower is better). */
  public record Observation(double[] point, double loss) {}

  private final int warmup;
  private final int candidates;
  private final double gamma;

  public TpeSampler(int warmup, int candidates, double gamma) {
    if (warmup < 1 || candidates < 1 || !(gamma > 0 && gamma < 1)) {
      throw new IllegalArgumentException(
          "TPE needs warmup >= 1, candidates >= 1 and gamma in (0, 1)");
    }
    this.warmup = warmup;
    this.candidates = candidates;
    this.gamma = gamma;
  }

  /** Whether the next proposal is still a random warm-up draw. */
  public boolean warmingUp(int finished) {
    return finished < warmup;
  }

  /** The next point to try, given the finished trials. */
  public double[] propose(List<Observation> history, int dims, Random rnd) {
    if (history.size() < warmup || history.size() < 2) {
      double[] u = new double[dims];
      for (int i = 0; i < dims; i++) {
        u[i] = rnd.nextDouble();
      }
      return u;
    }
    List<Observation> sorted = new ArrayList<>(history);
    sorted.sort(Comparator.comparingDouble(Observation::loss));
    int nGood = Math.max(1, (int) Math.ceil(gamma * sorted.size()));
    nGood = Math.min(nGood, sorted.size() - 1);
    List<Observation> good = sorted.subList(0, nGood);
    List<Observation> bad = sorted.subList(nGood, sorted.size());
    Parzen[] l = new Parzen[dims];
    Parzen[] g = new Parzen[dims];
    for (int d = 0; d < dims; d++) {
      l[d] = Parzen.of(good, d);
      g[d] = Parzen.of(bad, d);
    }
    double[] best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < candidates; c++) {
      double[] x = new double[dims];
      double score = 0;
      for (int d = 0; d < dims; d++) {
        x[d] = l[d].sample(rnd);
        score += Math.log(l[d].density(x[d])) - Math.log(g[d].density(x[d]));
      }
      if (score > bestScore) {
        bestScore = score;
        best = x;
      }
    }
    return best;
  }

  /** A 1-d mixture of truncated Gaussians on [0, 1]: one per observation plus a prior. */
  static final class Parzen {
    private static final double PRIOR_MU = 0.5;
    private static final double PRIOR_SIGMA = 1.0;
    private final double[] mu;
    private final double[] sigma;

    private Parzen(double[] mu, double[] sigma) {
      this.mu = mu;
      this.sigma = sigma;
    }

    static Parzen of(List<Observation> obs, int dim) {
      int n = obs.size();
      double[] xs = new double[n];
      for (int i = 0; i < n; i++) {
        xs[i] = obs.get(i).point()[dim];
      }
      java.util.Arrays.sort(xs);
      double minSigma = 1.0 / Math.min(100, n + 1);
      double[] mu = new double[n + 1];
      double[] sigma = new double[n + 1];
      for (int i = 0; i < n; i++) {
        double left = xs[i] - (i == 0 ? 0.0 : xs[i - 1]);
        double right = (i == n - 1 ? 1.0 : xs[i + 1]) - xs[i];
        mu[i] = xs[i];
        sigma[i] = Math.min(1.0, Math.max(minSigma, Math.max(left, right)));
      }
      mu[n] = PRIOR_MU;
      sigma[n] = PRIOR_SIGMA;
      return new Parzen(mu, sigma);
    }

    /** The mixture density at x (components weighted equally). */
    double density(double x) {
      double sum = 0;
      for (int i = 0; i < mu.length; i++) {
        double z = (x - mu[i]) / sigma[i];
        double mass = phi((1 - mu[i]) / sigma[i]) - phi((0 - mu[i]) / sigma[i]);
        sum += Math.exp(-0.5 * z * z) / (sigma[i] * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
      }
      return Math.max(sum / mu.length, 1e-300);
    }

    double sample(Random rnd) {
      int i = rnd.nextInt(mu.length);
      for (int attempt = 0; attempt < 64; attempt++) {
        double x = mu[i] + sigma[i] * rnd.nextGaussian();
        if (x >= 0 && x <= 1) {
          return x;
        }
      }
      return Math.min(1, Math.max(0, mu[i]));
    }

    /** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
    static double phi(double z) {
      double x = Math.abs(z) / Math.sqrt(2);
      double t = 1 / (1 + 0.3275911 * x);
      double erf =
          1
              - t
                  * (0.254829592
                      + t
                          * (-0.284496736
                              + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
                  * Math.exp(-x * x);
      return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
  }
}
