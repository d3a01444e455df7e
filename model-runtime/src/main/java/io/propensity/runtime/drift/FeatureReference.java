package io.propensity.runtime.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The binned distribution of one feature (or of the model's score) on the training rows, the
 * reference live values are compared with.
 *
 * <p>A {@link Kind#NUMERIC} reference has {@code edges} e<sub>1</sub> &lt; … &lt; e<sub>k</sub>
 * (quantiles of the training values) and k + 2 bins: (−∞, e<sub>1</sub>], (e<sub>1</sub>,
 * e<sub>2</sub>], …, (e<sub>k</sub>, ∞) and missing (NaN). A {@link Kind#CATEGORICAL} reference has
 * one bin per kept category code ({@code codes}, named by {@code labels}), then "other" (every code
 * not kept) and missing.
 *
 * @param name the feature's name ({@code score} for the score)
 * @param kind how values are binned
 * @param edges a numeric reference's bin edges, ascending; empty for a categorical one
 * @param codes a categorical reference's kept category codes; empty for a numeric one
 * @param labels a categorical reference's names of {@code codes}; empty for a numeric one
 * @param shares the training share of each bin, summing to 1 (all 0 when there were no rows)
 */
public record FeatureReference(
    String name, Kind kind, double[] edges, double[] codes, List<String> labels, double[] shares) {

  /** How a feature's values are binned. */
  public enum Kind {
    /** By quantile edges, with a missing bin. */
    NUMERIC,
    /** By category code, with an "other" and a missing bin. */
    CATEGORICAL
  }

  public FeatureReference {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    edges = edges.clone();
    codes = codes.clone();
    labels = List.copyOf(labels);
    shares = shares.clone();
    if (codes.length != labels.size()) {
      throw new IllegalArgumentException(
          name + ": " + codes.length + " codes but " + labels.size() + " labels");
    }
    int expected = kind == Kind.NUMERIC ? edges.length + 2 : codes.length + 2;
    if (shares.length != expected) {
      throw new IllegalArgumentException(
          name + ": " + shares.length + " shares for " + expected + " bins");
    }
    for (int i = 1; i < edges.length; i++) {
      if (!(edges[i] > edges[i - 1])) {
        throw new IllegalArgumentException(name + ": bin edges must ascend");
      }
    }
  }

  /** Number of bins, the missing bin included. */
  public int binCount() {
    return shares.length;
  }

  /** Index of the missing bin (the last). */
  public int missingBin() {
    return shares.length - 1;
  }

  /** The bin {@code value} falls in. */
  public int bin(double value) {
    if (Double.isNaN(value)) {
      return missingBin();
    }
    if (kind == Kind.NUMERIC) {
      // first edge ≥ value: bins are closed on the right
      int lo = 0;
      int hi = edges.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (edges[mid] < value) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] == value) {
        return i;
      }
    }
    return codes.length; // other
  }

  /**
   * A readable name of each bin, e.g. {@code ≤ 3}, {@code (3, 5]}, {@code > 9}, {@code missing}.
   */
  public List<String> binLabels() {
    List<String> out = new ArrayList<>(binCount());
    if (kind == Kind.NUMERIC) {
      if (edges.length == 0) {
        out.add("all values");
      } else {
        out.add("≤ " + num(edges[0]));
        for (int i = 1; i < edges.length; i++) {
          out.add("(" + num(edges[i - 1]) + ", " + num(edges[i]) + "]");
        }
        out.add("> " + num(edges[edges.length - 1]));
      }
    } else {
      out.addAll(labels);
      out.add("other");
    }
    out.add("missing");
    return out;
  }

  /** The shares of bins holding {@code counts} (all 0 when the counts sum to 0). */
  public static double[] shares(long[] counts) {
    long total = Arrays.stream(counts).sum();
    double[] s = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      s[i] = total == 0 ? 0 : (double) counts[i] / total;
    }
    return s;
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(java.util.Locale.ROOT, "%.4g", v);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureReference r
        && name.equals(r.name)
        && kind == r.kind
        && Arrays.equals(edges, r.edges)
        && Arrays.equals(codes, r.codes)
        && labels.equals(r.labels)
        && Arrays.equals(shares, r.shares);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, Arrays.hashCode(edges), Arrays.hashCode(shares));
  }

  @Override
  public String toString() {
    return "FeatureReference["
        + name
        + ", "
        + kind
        + ", edges="
        + Arrays.toString(edges)
        + ", codes="
        + Arrays.toString(codes)
        + ", shares="
        + Arrays.toString(shares)
        + "]";
  }
}
