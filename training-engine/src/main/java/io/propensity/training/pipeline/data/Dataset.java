package io.propensity.training.pipeline.data;

import io.propensity.training.pipeline.TrainingDataException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A labelled table of feature rows for training: feature names and kinds, row-major values in one
 * flat {@code double[]} (NaN = missing), a boolean label per row, and optionally a cutoff time and
 * a user id per row (for time splits and golden rows) and a predefined split part per row.
 *
 * <p>Memory-lean by design: 1M rows × 50 features is one 400 MB array, no boxing. Instances are
 * immutable: accessors copy, and {@link Builder#build()} hands its arrays over without copying.
 */
public final class Dataset {
  private final List<String> featureNames;
  private final List<FeatureKind> kinds;
  private final Map<String, CategoricalVocabulary> vocabularies;
  private final double[] values;
  private final int rows;
  private final int cols;
  private final boolean[] labels;
  private final long[] cutoffMillis; // null when the dataset has no cutoffs
  private final String[] userIds; // null when the dataset has no user ids
  private final SplitPart[] parts; // null when the dataset has no predefined split

  private Dataset(
      List<String> featureNames,
      List<FeatureKind> kinds,
      Map<String, CategoricalVocabulary> vocabularies,
      double[] values,
      int rows,
      boolean[] labels,
      long[] cutoffMillis,
      String[] userIds,
      SplitPart[] parts) {
    this.featureNames = featureNames;
    this.kinds = kinds;
    this.vocabularies = vocabularies;
    this.values = values;
    this.rows = rows;
    this.cols = featureNames.size();
    this.labels = labels;
    this.cutoffMillis = cutoffMillis;
    this.userIds = userIds;
    this.parts = parts;
  }

  /** A builder for a dataset with these columns; add rows one by one. */
  public static Builder builder(List<String> featureNames, List<FeatureKind> kinds) {
    return new Builder(featureNames, kinds, 1024);
  }

  /** A builder that pre-sizes its arrays for {@code expectedRows} rows (avoids regrowth). */
  public static Builder builder(
      List<String> featureNames, List<FeatureKind> kinds, int expectedRows) {
    return new Builder(featureNames, kinds, expectedRows);
  }

  /** A dataset of all-numeric features from rows (copied). */
  public static Dataset ofNumeric(List<String> featureNames, double[][] rows, boolean[] labels) {
    Builder b =
        builder(
            featureNames,
            java.util.Collections.nCopies(featureNames.size(), FeatureKind.NUMERIC),
            rows.length);
    for (int i = 0; i < rows.length; i++) {
      b.add(rows[i], labels[i]);
    }
    return b.build();
  }

  public int rowCount() {
    return rows;
  }

  public int featureCount() {
    return cols;
  }

  public List<String> featureNames() {
    return featureNames;
  }

  public List<FeatureKind> kinds() {
    return kinds;
  }

  public FeatureKind kind(int feature) {
    return kinds.get(feature);
  }

  /** Vocabularies of the categorical features that have one, by feature name. */
  public Map<String, CategoricalVocabulary> vocabularies() {
    return vocabularies;
  }

  /** Indices of the categorical features, ascending. */
  public int[] categoricalIndices() {
    int n = 0;
    for (FeatureKind k : kinds) {
      if (k == FeatureKind.CATEGORICAL) {
        n++;
      }
    }
    int[] out = new int[n];
    int j = 0;
    for (int i = 0; i < cols; i++) {
      if (kinds.get(i) == FeatureKind.CATEGORICAL) {
        out[j++] = i;
      }
    }
    return out;
  }

  public double value(int row, int feature) {
    Objects.checkIndex(row, rows);
    Objects.checkIndex(feature, cols);
    return values[row * cols + feature];
  }

  /** A copy of one row. */
  public double[] row(int row) {
    Objects.checkIndex(row, rows);
    return Arrays.copyOfRange(values, row * cols, row * cols + cols);
  }

  /** Copies one row into {@code dst} at {@code offset}. */
  public void copyRow(int row, double[] dst, int offset) {
    Objects.checkIndex(row, rows);
    System.arraycopy(values, row * cols, dst, offset, cols);
  }

  /** The selected rows, row-major in one flat array ({@code indices.length × featureCount()}). */
  public double[] flatRows(int[] indices) {
    double[] out = new double[Math.multiplyExact(indices.length, cols)];
    for (int i = 0; i < indices.length; i++) {
      copyRow(indices[i], out, i * cols);
    }
    return out;
  }

  public boolean label(int row) {
    return labels[row];
  }

  /** A copy of all labels. */
  public boolean[] labels() {
    return labels.clone();
  }

  /** Labels of the selected rows. */
  public boolean[] labels(int[] indices) {
    boolean[] out = new boolean[indices.length];
    for (int i = 0; i < indices.length; i++) {
      out[i] = labels[indices[i]];
    }
    return out;
  }

  public int positiveCount() {
    int n = 0;
    for (int i = 0; i < rows; i++) {
      if (labels[i]) {
        n++;
      }
    }
    return n;
  }

  /** Whether every row has a cutoff time. */
  public boolean hasCutoffs() {
    return cutoffMillis != null;
  }

  /** The cutoff of a row in epoch milliseconds; only when {@link #hasCutoffs()}. */
  public long cutoffMillis(int row) {
    if (cutoffMillis == null) {
      throw new IllegalStateException("this dataset has no cutoffs");
    }
    return cutoffMillis[row];
  }

  public Optional<Instant> cutoff(int row) {
    return cutoffMillis == null
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(cutoffMillis[row]));
  }

  public boolean hasUserIds() {
    return userIds != null;
  }

  public Optional<String> userId(int row) {
    return userIds == null ? Optional.empty() : Optional.ofNullable(userIds[row]);
  }

  /** Whether every row has a predefined split part. */
  public boolean hasSplitParts() {
    return parts != null;
  }

  /** The predefined split part of a row; empty when the dataset has none. */
  public Optional<SplitPart> splitPart(int row) {
    return parts == null ? Optional.empty() : Optional.of(parts[row]);
  }

  /** A new dataset of the selected rows, in the given order (values copied). */
  public Dataset select(int[] indices) {
    boolean[] l = labels(indices);
    long[] c = null;
    if (cutoffMillis != null) {
      c = new long[indices.length];
      for (int i = 0; i < indices.length; i++) {
        c[i] = cutoffMillis[indices[i]];
      }
    }
    String[] u = null;
    if (userIds != null) {
      u = new String[indices.length];
      for (int i = 0; i < indices.length; i++) {
        u[i] = userIds[indices[i]];
      }
    }
    SplitPart[] p = null;
    if (parts != null) {
      p = new SplitPart[indices.length];
      for (int i = 0; i < indices.length; i++) {
        p[i] = parts[indices[i]];
      }
    }
    return new Dataset(
        featureNames, kinds, vocabularies, flatRows(indices), indices.length, l, c, u, p);
  }

  /** The same rows with categorical vocabularies attached (by feature name). */
  public Dataset withVocabularies(Map<String, CategoricalVocabulary> vocab) {
    for (String f : vocab.keySet()) {
      int i = featureNames.indexOf(f);
      if (i < 0 || kinds.get(i) != FeatureKind.CATEGORICAL) {
        throw new IllegalArgumentException("no categorical feature named " + f);
      }
    }
    return new Dataset(
        featureNames,
        kinds,
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vocab)),
        values,
        rows,
        labels,
        cutoffMillis,
        userIds,
        parts);
  }

  /** Accumulates rows; {@link #build()} hands the arrays to the dataset without a copy. */
  public static final class Builder {
    private final List<String> names;
    private final List<FeatureKind> kinds;
    private final int cols;
    private double[] values;
    private boolean[] labels;
    private long[] cutoffs;
    private String[] userIds;
    private SplitPart[] parts;
    private int rows;
    private Boolean withCutoffs;
    private Boolean withParts;
    private boolean withUserIds;
    private boolean built;

    private Builder(List<String> names, List<FeatureKind> kinds, int expectedRows) {
      if (names.size() != kinds.size()) {
        throw new IllegalArgumentException(
            names.size() + " feature names but " + kinds.size() + " kinds");
      }
      if (names.isEmpty()) {
        throw new TrainingDataException("the training data has no feature columns");
      }
      Set<String> seen = new HashSet<>();
      for (String n : names) {
        if (!seen.add(Objects.requireNonNull(n, "feature name"))) {
          throw new TrainingDataException("feature \"" + n + "\" appears twice");
        }
      }
      this.names = List.copyOf(names);
      this.kinds = List.copyOf(kinds);
      this.cols = names.size();
      int cap = Math.max(16, expectedRows);
      this.values = new double[Math.multiplyExact(cap, cols)];
      this.labels = new boolean[cap];
    }

    /** Adds a row without cutoff or user id. */
    public Builder add(double[] row, boolean label) {
      return add(row, label, null, null);
    }

    /**
     * Adds a row. Either every row has a cutoff or none does.
     *
     * @throws TrainingDataException if a value does not fit its feature's kind
     */
    public Builder add(double[] row, boolean label, Instant cutoff, String userId) {
      return add(row, label, cutoff, userId, null);
    }

    /**
     * Adds a row with its part of a predefined split. Either every row has a part or none does.
     *
     * @throws TrainingDataException if a value does not fit its feature's kind
     */
    public Builder add(double[] row, boolean label, Instant cutoff, String userId, SplitPart part) {
      if (built) {
        throw new IllegalStateException("already built");
      }
      if (row.length != cols) {
        throw new TrainingDataException(
            "row " + rows + " has " + row.length + " values, expected " + cols + " features");
      }
      boolean hasCutoff = cutoff != null;
      if (withCutoffs == null) {
        withCutoffs = hasCutoff;
      } else if (withCutoffs != hasCutoff) {
        throw new TrainingDataException(
            "row "
                + rows
                + (hasCutoff ? " has" : " has no")
                + " cutoff time, unlike the rows before it;"
                + " give every row a cutoff or none");
      }
      boolean hasPart = part != null;
      if (withParts == null) {
        withParts = hasPart;
      } else if (withParts != hasPart) {
        throw new TrainingDataException(
            "row "
                + rows
                + (hasPart ? " has" : " has no")
                + " split part, unlike the rows before it; give every row a part or none");
      }
      for (int f = 0; f < cols; f++) {
        double v = row[f];
        if (Double.isNaN(v)) {
          continue;
        }
        switch (kinds.get(f)) {
          case NUMERIC -> {
            if (Double.isInfinite(v)) {
              throw new TrainingDataException(
                  "row " + rows + ", feature \"" + names.get(f) + "\": " + v + " is not finite");
            }
          }
          case BOOLEAN -> {
            if (v != 0.0 && v != 1.0) {
              throw new TrainingDataException(
                  "row "
                      + rows
                      + ", feature \""
                      + names.get(f)
                      + "\" (boolean): "
                      + v
                      + " is not 0 or 1");
            }
          }
          case CATEGORICAL -> {
            if (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
              throw new TrainingDataException(
                  "row "
                      + rows
                      + ", feature \""
                      + names.get(f)
                      + "\" (categorical): "
                      + v
                      + " is not an integer code >= 0");
            }
          }
        }
      }
      ensureCapacity(rows + 1);
      System.arraycopy(row, 0, values, rows * cols, cols);
      labels[rows] = label;
      if (hasCutoff) {
        if (cutoffs == null) {
          cutoffs = new long[labels.length];
        }
        cutoffs[rows] = cutoff.toEpochMilli();
      }
      if (hasPart) {
        if (parts == null) {
          parts = new SplitPart[labels.length];
        }
        parts[rows] = part;
      }
      if (userId != null) {
        if (userIds == null) {
          userIds = new String[labels.length];
        }
        userIds[rows] = userId;
        withUserIds = true;
      }
      rows++;
      return this;
    }

    public int rowCount() {
      return rows;
    }

    private void ensureCapacity(int needed) {
      if (needed <= labels.length) {
        return;
      }
      int cap = Math.max(needed, labels.length + (labels.length >> 1));
      values = Arrays.copyOf(values, Math.multiplyExact(cap, cols));
      labels = Arrays.copyOf(labels, cap);
      if (cutoffs != null) {
        cutoffs = Arrays.copyOf(cutoffs, cap);
      }
      if (userIds != null) {
        userIds = Arrays.copyOf(userIds, cap);
      }
      if (parts != null) {
        parts = Arrays.copyOf(parts, cap);
      }
    }

    /** The dataset; the builder cannot be used afterwards. */
    public Dataset build() {
      return build(Map.of());
    }

    /** The dataset with vocabularies for (some of) its categorical features. */
    public Dataset build(Map<String, CategoricalVocabulary> vocabularies) {
      if (built) {
        throw new IllegalStateException("already built");
      }
      built = true;
      double[] v = values.length == rows * cols ? values : Arrays.copyOf(values, rows * cols);
      values = null;
      boolean[] l = Arrays.copyOf(labels, rows);
      long[] c = cutoffs == null ? null : Arrays.copyOf(cutoffs, rows);
      String[] u = withUserIds ? Arrays.copyOf(userIds, rows) : null;
      SplitPart[] p = parts == null ? null : Arrays.copyOf(parts, rows);
      Dataset d = new Dataset(names, kinds, Map.of(), v, rows, l, c, u, p);
      return vocabularies.isEmpty() ? d : d.withVocabularies(new LinkedHashMap<>(vocabularies));
    }
  }

  /** Short description for logs: rows, features, positives. */
  @Override
  public String toString() {
    return "Dataset["
        + rows
        + " rows × "
        + cols
        + " features, "
        + positiveCount()
        + " positive"
        + (hasCutoffs() ? ", with cutoffs" : "")
        + "]";
  }

  /** Names of the features of the given kind, in column order. */
  public List<String> featuresOfKind(FeatureKind kind) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < cols; i++) {
      if (kinds.get(i) == kind) {
        out.add(featureNames.get(i));
      }
    }
    return out;
  }
}
