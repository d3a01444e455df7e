package io.propensity.sources.csv;

import java.util.Optional;

/** Why a row cannot be an event, before the line number is known. */
record RowProblem(Optional<String> column, String reason) {

  static RowProblem at(String column, String reason) {
    return new RowProblem(Optional.of(column), reason);
  }

  static RowProblem row(String reason) {
    return new RowProblem(Optional.empty(), reason);
  }
}
