package io.propensity.cli;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;
import propensity.features.v1.FeatureSchema;

/**
 * The options of a CSV of a table's own feature rows ({@code --features-file} of a PROVIDED model),
 * shared by {@code predict}, {@code explain} and {@code targets}.
 */
final class TableRowOptions {
  @Option(
      names = "--id-column",
      paramLabel = "C",
      description = "with --features-file of a table's model: the column of row ids (else row N)")
  String idColumn;

  @Option(
      names = "--ignore-columns",
      split = ",",
      paramLabel = "A,B",
      description =
          "with --features-file of a table's model: columns that are not features (e.g. the label)")
  Set<String> ignoreColumns = new LinkedHashSet<>();

  /** Up to {@code limit} rows of {@code file}; see {@link ProvidedRows#read}. */
  ProvidedRows.Table read(FeatureSchema schema, Path file, int limit) {
    return ProvidedRows.read(schema, file, Optional.ofNullable(idColumn), ignoreColumns, limit);
  }
}
