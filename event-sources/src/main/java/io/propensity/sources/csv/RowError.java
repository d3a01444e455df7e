package io.propensity.sources.csv;

import java.util.Objects;
import java.util.Optional;

/**
 * One reason a CSV row was rejected.
 *
 * @param lineNumber 1-based physical line in the file where the row starts (the header is line 1)
 * @param column the CSV column at fault, when one is
 * @param reason why the row was rejected, in words a user can act on
 */
public record RowError(long lineNumber, Optional<String> column, String reason) {

  public RowError {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String toString() {
    return "line " + lineNumber + column.map(c -> " (column " + c + ")").orElse("") + ": " + reason;
  }
}
