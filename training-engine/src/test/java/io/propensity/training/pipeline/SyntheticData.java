package io.propensity.training.pipeline;

import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Seeded synthetic propensity data with a learnable, partly nonlinear signal: an XOR of x1 and x2
 * (invisible to a linear model), a linear x3, a sine of x5 (10 % missing), a categorical device and
 * a boolean membership; x4 is noise.
 */
public final class SyntheticData {
  public static final List<String> NAMES =
      List.of("x1", "x2", "x3", "x4", "x5", "device", "member");
  public static final List<FeatureKind> KINDS =
      List.of(
          FeatureKind.NUMERIC,
          FeatureKind.NUMERIC,
          FeatureKind.NUMERIC,
          FeatureKind.NUMERIC,
          FeatureKind.NUMERIC,
          FeatureKind.CATEGORICAL,
          FeatureKind.BOOLEAN);
  private static final String[] DEVICES = {"desktop", "mobile", "tablet", "tv"};
  public static final LocalDate FIRST_CUTOFF = LocalDate.of(2024, 1, 1);

  private SyntheticData() {}

  /** One generated row. */
  public record Row(double[] x, boolean label, Instant cutoff, String userId, String device) {}

  /**
   * @param intercept shifts the base rate: -1.8 gives about 30 % positives, -4 about 8 %
   * @param cutoffs number of monthly cutoffs the rows are spread over
   */
  public static Row[] rows(int n, long seed, double intercept, int cutoffs) {
    Random rnd = new Random(seed);
    Row[] out = new Row[n];
    for (int i = 0; i < n; i++) {
      double x1 = rnd.nextDouble();
      double x2 = rnd.nextDouble();
      double x3 = rnd.nextGaussian();
      double x4 = rnd.nextGaussian();
      double x5 = rnd.nextDouble() < 0.1 ? Double.NaN : rnd.nextDouble() * 4;
      int dev = rnd.nextInt(5); // 0 = missing
      double member = rnd.nextDouble() < 0.4 ? 1 : 0;
      double[] x = {x1, x2, x3, x4, x5, dev, member};
      boolean label = rnd.nextDouble() < trueProbability(x, intercept);
      int month = i % cutoffs;
      Instant cutoff = FIRST_CUTOFF.plusMonths(month).atStartOfDay().toInstant(ZoneOffset.UTC);
      String device = dev == 0 ? "" : DEVICES[dev - 1];
      out[i] = new Row(x, label, cutoff, "u" + (i % (n / 3 + 1)), device);
    }
    return out;
  }

  /** The probability a row's label was drawn with: the truth a calibrated model should match. */
  public static double trueProbability(double[] x, double intercept) {
    boolean xor = (x[0] > 0.5) != (x[1] > 0.5);
    double logit =
        intercept
            + 3.2 * (xor ? 1 : 0)
            + 0.8 * x[2]
            + (x[5] == 2 ? 1.0 : 0)
            + 0.5 * x[6]
            + (Double.isNaN(x[4]) ? 0 : 1.2 * Math.sin(2 * x[4]));
    return 1 / (1 + Math.exp(-logit));
  }

  /** An in-memory dataset (device codes 0–4, 0 = missing), with cutoffs and user ids when asked. */
  public static Dataset dataset(
      int n, long seed, double intercept, int cutoffs, boolean withCutoffs) {
    Dataset.Builder b = Dataset.builder(NAMES, KINDS, n);
    for (Row r : rows(n, seed, intercept, cutoffs)) {
      b.add(r.x(), r.label(), withCutoffs ? r.cutoff() : null, withCutoffs ? r.userId() : null);
    }
    return b.build();
  }

  /**
   * The same rows written as a CSV file with string devices, TRUE/FALSE members and true/false
   * labels.
   */
  public static Path csv(Path dir, String name, int n, long seed, double intercept, int cutoffs)
      throws IOException {
    Path file = dir.resolve(name);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("user_id,cutoff,x1,x2,x3,x4,x5,device,member,bought\n");
      for (Row r : rows(n, seed, intercept, cutoffs)) {
        double[] x = r.x();
        w.write(
            String.format(
                Locale.ROOT,
                "%s,%s,%.6f,%.6f,%.6f,%.6f,%s,%s,%s,%s%n",
                r.userId(),
                r.cutoff().toString().substring(0, 10),
                x[0],
                x[1],
                x[2],
                x[3],
                Double.isNaN(x[4]) ? "NA" : String.format(Locale.ROOT, "%.6f", x[4]),
                r.device(),
                x[6] == 1 ? "TRUE" : "FALSE",
                r.label() ? "true" : "false"));
      }
    }
    return file;
  }
}
