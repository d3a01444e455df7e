package io.propensity.training.pipeline.data;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to read a training CSV file: which column is the label, which columns have a declared kind
 * (the rest are detected), which column holds the cutoff time, the user id and the split part,
 * which to ignore.
 *
 * @param labelColumn Required. The binary label column (true/false, 1/0, case-insensitive).
 * @param declaredKinds Optional. Kinds of columns that must not be auto-detected.
 * @param cutoffColumn Optional. ISO-8601 instant, date-time (UTC) or date (UTC midnight) per row.
 * @param userIdColumn Optional. A user id per row, kept for golden rows, never a feature.
 * @param ignoredColumns Optional. Columns not to use at all.
 * @param delimiter the field separator, {@code ','} by default
 * @param maxCategories a categorical column with more distinct values fails (likely an id column)
 * @param splitColumn Optional. Each row's part of a predefined split: {@code train}, {@code
 *     validation} or {@code test} (any case); never a feature.
 */
public record CsvOptions(
    String labelColumn,
    Map<String, FeatureKind> declaredKinds,
    Optional<String> cutoffColumn,
    Optional<String> userIdColumn,
    Set<String> ignoredColumns,
    char delimiter,
    int maxCategories,
    Optional<String> splitColumn) {

  public static final int DEFAULT_MAX_CATEGORIES = 10_000;

  public CsvOptions {
    Objects.requireNonNull(labelColumn, "labelColumn");
    declaredKinds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(declaredKinds));
    ignoredColumns = java.util.Collections.unmodifiableSet(new TreeSet<>(ignoredColumns));
    if (maxCategories < 1) {
      throw new IllegalArgumentException("maxCategories must be >= 1");
    }
    Objects.requireNonNull(splitColumn, "splitColumn");
  }

  /** Options without a split column. */
  public CsvOptions(
      String labelColumn,
      Map<String, FeatureKind> declaredKinds,
      Optional<String> cutoffColumn,
      Optional<String> userIdColumn,
      Set<String> ignoredColumns,
      char delimiter,
      int maxCategories) {
    this(
        labelColumn,
        declaredKinds,
        cutoffColumn,
        userIdColumn,
        ignoredColumns,
        delimiter,
        maxCategories,
        Optional.empty());
  }

  /** Options with only a label column: every other column is a feature of detected kind. */
  public static CsvOptions label(String labelColumn) {
    return new CsvOptions(
        labelColumn,
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        ',',
        DEFAULT_MAX_CATEGORIES);
  }

  public CsvOptions declare(String column, FeatureKind kind) {
    Map<String, FeatureKind> m = new LinkedHashMap<>(declaredKinds);
    m.put(column, kind);
    return new CsvOptions(
        labelColumn,
        m,
        cutoffColumn,
        userIdColumn,
        ignoredColumns,
        delimiter,
        maxCategories,
        splitColumn);
  }

  public CsvOptions numeric(String column) {
    return declare(column, FeatureKind.NUMERIC);
  }

  public CsvOptions categorical(String column) {
    return declare(column, FeatureKind.CATEGORICAL);
  }

  public CsvOptions bool(String column) {
    return declare(column, FeatureKind.BOOLEAN);
  }

  public CsvOptions cutoff(String column) {
    return new CsvOptions(
        labelColumn,
        declaredKinds,
        Optional.of(column),
        userIdColumn,
        ignoredColumns,
        delimiter,
        maxCategories,
        splitColumn);
  }

  public CsvOptions userId(String column) {
    return new CsvOptions(
        labelColumn,
        declaredKinds,
        cutoffColumn,
        Optional.of(column),
        ignoredColumns,
        delimiter,
        maxCategories,
        splitColumn);
  }

  public CsvOptions ignore(String... columns) {
    Set<String> s = new TreeSet<>(ignoredColumns);
    s.addAll(java.util.Arrays.asList(columns));
    return new CsvOptions(
        labelColumn,
        declaredKinds,
        cutoffColumn,
        userIdColumn,
        s,
        delimiter,
        maxCategories,
        splitColumn);
  }

  public CsvOptions delimiter(char d) {
    return new CsvOptions(
        labelColumn,
        declaredKinds,
        cutoffColumn,
        userIdColumn,
        ignoredColumns,
        d,
        maxCategories,
        splitColumn);
  }

  public CsvOptions maxCategories(int max) {
    return new CsvOptions(
        labelColumn,
        declaredKinds,
        cutoffColumn,
        userIdColumn,
        ignoredColumns,
        delimiter,
        max,
        splitColumn);
  }

  /** These options with each row's predefined split part read from {@code column}. */
  public CsvOptions splitColumn(String column) {
    return new CsvOptions(
        labelColumn,
        declaredKinds,
        cutoffColumn,
        userIdColumn,
        ignoredColumns,
        delimiter,
        maxCategories,
        Optional.of(column));
  }
}
