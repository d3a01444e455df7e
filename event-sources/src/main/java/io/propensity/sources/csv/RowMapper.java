package io.propensity.sources.csv;

import io.propensity.engine.event.Event;
import java.util.List;
import java.util.Optional;

/** Turns the rows of one file, whose header it was bound to, into events. */
interface RowMapper {

  /**
   * Maps one row (as many values as the header has columns, already stripped of surrounding
   * spaces). Adds every problem found to {@code problems}; an event is returned only when there is
   * none.
   */
  Optional<Event> map(List<String> values, List<RowProblem> problems);

  /** The CSV column that feeds a contract field ({@code price}, {@code user_id}…), if any. */
  Optional<String> columnOf(String field);

  /** File-level remarks found while binding the header. */
  List<String> warnings();

  /** Binds a format to a file's header. */
  @FunctionalInterface
  interface Binder {
    /** Throws {@link CsvHeaderException} when a required column is missing. */
    RowMapper bind(CsvHeader header);
  }
}
