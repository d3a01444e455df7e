package io.propensity.sources.csv;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Function;

/** Reads typed values out of cells, adding a {@link RowProblem} for each it cannot read. */
final class Cells {
  private Cells() {}

  static Optional<String> required(
      String cell, String column, String what, List<RowProblem> problems) {
    if (cell.isEmpty()) {
      problems.add(RowProblem.at(column, what + " is empty"));
      return Optional.empty();
    }
    return Optional.of(cell);
  }

  static Optional<Instant> time(
      String cell,
      String column,
      Function<String, Instant> parser,
      String description,
      List<RowProblem> problems) {
    if (cell.isEmpty()) {
      problems.add(RowProblem.at(column, "the time is empty"));
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(cell));
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      problems.add(RowProblem.at(column, "cannot read '" + cell + "' as " + description));
      return Optional.empty();
    }
  }

  /** A decimal with a dot (no NaN, no hex, no locale separators); empty cells are absent. */
  static OptionalDouble decimal(String cell, String column, List<RowProblem> problems) {
    if (cell.isEmpty()) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(new BigDecimal(cell).doubleValue());
    } catch (NumberFormatException e) {
      problems.add(RowProblem.at(column, "'" + cell + "' is not a number"));
      return OptionalDouble.empty();
    }
  }

  static OptionalInt integer(String cell, String column, List<RowProblem> problems) {
    if (cell.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(cell));
    } catch (NumberFormatException e) {
      problems.add(RowProblem.at(column, "'" + cell + "' is not a whole number"));
      return OptionalInt.empty();
    }
  }

  /** A decimal number of seconds or milliseconds as a duration, exact to the nanosecond. */
  static Optional<Duration> duration(
      String cell, String column, boolean millis, List<RowProblem> problems) {
    if (cell.isEmpty()) {
      return Optional.empty();
    }
    try {
      BigDecimal nanos =
          new BigDecimal(cell).movePointRight(millis ? 6 : 9).setScale(0, RoundingMode.HALF_UP);
      return Optional.of(Duration.ofNanos(nanos.longValueExact()));
    } catch (NumberFormatException e) {
      problems.add(RowProblem.at(column, "'" + cell + "' is not a number"));
    } catch (ArithmeticException e) {
      problems.add(RowProblem.at(column, "'" + cell + "' is too long a duration"));
    }
    return Optional.empty();
  }
}
