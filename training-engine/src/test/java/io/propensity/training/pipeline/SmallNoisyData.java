package io.propensity.training.pipeline;

import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded small, noisy propensity data with a known signal that is partly linear and partly not: a
 * linear part (x1, x2) a logistic regression sees fully, a symmetric part (|x3|) and an interaction
 * (the sign of x4·x5) it cannot see at all, and {@link #NOISE} pure-noise columns that tempt an
 * overfitting tree model. About 25 % positives.
 */
public final class SmallNoisyData {
  /** Noise columns beside the five signal columns. */
  public static final int NOISE = 20;

  private SmallNoisyData() {}

  /** The feature names: x1–x5, then noise1…. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(List.of("x1", "x2", "x3", "x4", "x5"));
    for (int i = 1; i <= NOISE; i++) {
      names.add("noise" + i);
    }
    return names;
  }

  /**
   * {@code n} rows; with {@code cutoffs} > 0, spread over that many monthly cutoffs (one row per
   * user per cutoff) from 2024-01-01, else a plain table.
   */
  public static Dataset dataset(int n, long seed, int cutoffs) {
    List<String> names = names();
    Dataset.Builder b =
        Dataset.builder(names, Collections.nCopies(names.size(), FeatureKind.NUMERIC), n);
    Random rnd = new Random(seed);
    for (int i = 0; i < n; i++) {
      double[] x = new double[names.size()];
      for (int f = 0; f < x.length; f++) {
        x[f] = rnd.nextGaussian();
      }
      double logit =
          -1.6
              + 0.6 * x[0]
              + 0.4 * x[1]
              + 0.9 * (Math.abs(x[2]) - 0.8)
              + 0.8 * Math.signum(x[3] * x[4]);
      boolean label = rnd.nextDouble() < 1 / (1 + Math.exp(-logit));
      Instant cutoff = null;
      String user = null;
      if (cutoffs > 0) {
        cutoff =
            SyntheticData.FIRST_CUTOFF
                .plusMonths(i % cutoffs)
                .atStartOfDay()
                .toInstant(ZoneOffset.UTC);
        user = "u" + (i / cutoffs);
      }
      b.add(x, label, cutoff, user);
    }
    return b.build();
  }
}
