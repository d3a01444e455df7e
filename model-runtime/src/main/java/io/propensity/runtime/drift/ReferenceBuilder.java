package io.propensity.runtime.drift;

import io.propensity.runtime.drift.FeatureReference.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link FeatureReference}s from training values: numeric features by quantile edges,
 * categorical ones by their most frequent codes.
 */
public final class ReferenceBuilder {
  /** Quantile bins of a numeric feature (fewer when values repeat). */
  public static final int NUMERIC_BINS = 10;

  /** Most categories kept in their own bin; the rest go to "other". */
  public static final int MAX_CATEGORIES = 20;

  /** Smallest training share for a category to keep its own bin. */
  public static final double MIN_CATEGORY_SHARE = 0.01;

  private ReferenceBuilder() {}

  /**
   * The reference of a numeric feature: edges at the 10 %, 20 %, … 90 % quantiles of the finite
   * values (repeated edges merged), NaN counted in the missing bin.
   */
  public static FeatureReference numeric(String name, double[] values) {
    double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    double[] edges = quantileEdges(present, NUMERIC_BINS);
    FeatureReference shape =
        new FeatureReference(
            name, Kind.NUMERIC, edges, new double[0], List.of(), new double[edges.length + 2]);
    return withShares(shape, values);
  }

  /**
   * The reference of a model's scores: like {@link #numeric}, but each edge sits halfway between a
   * quantile and the next larger score, so that a score recomputed by another scorer (serving's
   * pure-Java trees against training's LightGBM, equal to a few ulps) falls in the same bin as the
   * training score it equals — tree scores repeat, and many rows would sit exactly on an edge.
   */
  public static FeatureReference score(String name, double[] values) {
    double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    double[] edges = quantileEdges(present, NUMERIC_BINS);
    for (int i = 0; i < edges.length; i++) {
      int above = upperBound(present, edges[i]);
      edges[i] = edges[i] + (present[above] - edges[i]) / 2;
    }
    FeatureReference shape =
        new FeatureReference(
            name, Kind.NUMERIC, edges, new double[0], List.of(), new double[edges.length + 2]);
    return withShares(shape, values);
  }

  /** Index of the first value of {@code sorted} greater than {@code v}. */
  private static int upperBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The reference of a categorical feature whose values are category codes: the most frequent codes
   * (at most {@link #MAX_CATEGORIES}, each with a share of at least {@link #MIN_CATEGORY_SHARE}) in
   * their own bins, the rest in "other", NaN in missing.
   *
   * @param labelOf the name of a code, e.g. its level in the training vocabulary
   */
  public static FeatureReference categorical(
      String name, double[] values, java.util.function.IntFunction<String> labelOf) {
    Map<Double, Long> counts = new HashMap<>();
    long present = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        counts.merge(v, 1L, Long::sum);
        present++;
      }
    }
    long min = (long) Math.ceil(MIN_CATEGORY_SHARE * present);
    List<Map.Entry<Double, Long>> kept =
        counts.entrySet().stream()
            .filter(e -> e.getValue() >= Math.max(1, min))
            .sorted(
                Comparator.<Map.Entry<Double, Long>>comparingLong(Map.Entry::getValue)
                    .reversed()
                    .thenComparing(Map.Entry::getKey))
            .limit(MAX_CATEGORIES)
            .toList();
    double[] codes = kept.stream().mapToDouble(Map.Entry::getKey).toArray();
    List<String> labels = new ArrayList<>();
    for (double c : codes) {
      labels.add(labelOf.apply((int) c));
    }
    FeatureReference shape =
        new FeatureReference(
            name, Kind.CATEGORICAL, new double[0], codes, labels, new double[codes.length + 2]);
    return withShares(shape, values);
  }

  /** {@code shape}'s bins with the shares of {@code values}. */
  public static FeatureReference withShares(FeatureReference shape, double[] values) {
    long[] counts = new long[shape.binCount()];
    for (double v : values) {
      counts[shape.bin(v)]++;
    }
    return new FeatureReference(
        shape.name(),
        shape.kind(),
        shape.edges(),
        shape.codes(),
        shape.labels(),
        FeatureReference.shares(counts));
  }

  /**
   * The distinct values at the 1/bins, 2/bins, … quantiles of sorted values (lower nearest rank),
   * without the largest value (the last bin is open above).
   */
  static double[] quantileEdges(double[] sorted, int bins) {
    if (sorted.length == 0) {
      return new double[0];
    }
    double[] edges = new double[bins - 1];
    int n = 0;
    double max = sorted[sorted.length - 1];
    for (int i = 1; i < bins; i++) {
      int index = (int) Math.ceil((double) i * sorted.length / bins) - 1;
      double e = sorted[Math.max(0, index)];
      // an edge at the maximum would leave the last bin empty; infinite edges say nothing
      if (e < max && Double.isFinite(e) && (n == 0 || e > edges[n - 1])) {
        edges[n++] = e;
      }
    }
    return Arrays.copyOf(edges, n);
  }
}
