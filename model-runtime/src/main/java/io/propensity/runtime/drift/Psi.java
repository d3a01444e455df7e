package io.propensity.runtime.drift;

/**
 * The population stability index of a live distribution against a reference: Σ (live − ref) ·
 * ln(live / ref) over the bins. An empty bin's share is raised to {@link #EPSILON} on either side
 * (the usual smoothing), so a bin empty in training but filled live counts instead of dividing by
 * zero, and a bin empty on both sides counts 0.
 *
 * <p>Read as: below 0.1 no meaningful shift, 0.1 to 0.25 a moderate one, above 0.25 a major one.
 */
public final class Psi {
  /** The share an empty bin counts as. */
  public static final double EPSILON = 1e-4;

  private Psi() {}

  /** The PSI of {@code live} shares against {@code reference} shares, bin by bin. */
  public static double of(double[] reference, double[] live) {
    if (reference.length != live.length) {
      throw new IllegalArgumentException(
          reference.length + " reference bins but " + live.length + " live bins");
    }
    double psi = 0;
    for (int i = 0; i < reference.length; i++) {
      double e = Math.max(reference[i], EPSILON);
      double a = Math.max(live[i], EPSILON);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
