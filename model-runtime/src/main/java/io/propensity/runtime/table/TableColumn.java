package io.propensity.runtime.table;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One column of a team's own feature table and the one definition of how its values become the
 * doubles a model reads: used by training (reading a CSV file) and by serving (provided feature
 * values), so a row scores the same in both. Missing (an empty cell, {@code NA}, {@code null},
 * {@code NaN}, {@code none}, any case) is NaN, or {@link CategoryLevels#MISSING_CODE} in a
 * categorical column; booleans are {@code true}/{@code false} (any case) or {@code 1}/{@code 0} as
 * 1/0; a categorical level is its code, and a level the table did not have is refused, never
 * silently read as missing.
 *
 * @param name the column name as in the table's header
 * @param kind how its values are read
 * @param levels the levels of a categorical column (empty otherwise)
 */
public record TableColumn(String name, ColumnKind kind, Optional<CategoryLevels> levels) {
  private static final Set<String> MISSING = Set.of("", "na", "n/a", "null", "nan", "none");

  /** Most level names quoted in a message. */
  private static final int MAX_QUOTED_LEVELS = 20;

  public TableColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(levels, "levels");
    if ((kind == ColumnKind.CATEGORICAL) != levels.isPresent()) {
      throw new IllegalArgumentException(name + ": levels are for a categorical column only");
    }
  }

  /** A numeric or boolean column. */
  public static TableColumn of(String name, ColumnKind kind) {
    return new TableColumn(name, kind, Optional.empty());
  }

  /** A categorical column. */
  public static TableColumn categorical(String name, CategoryLevels levels) {
    return new TableColumn(name, ColumnKind.CATEGORICAL, Optional.of(levels));
  }

  /** Whether a cell is a missing value. */
  public static boolean isMissing(String cell) {
    return MISSING.contains(cell.trim().toLowerCase(Locale.ROOT));
  }

  /** Whether a cell is {@code true} or {@code false} (any case): what makes a column boolean. */
  public static boolean isBooleanWord(String cell) {
    String s = cell.trim().toLowerCase(Locale.ROOT);
    return s.equals("true") || s.equals("false");
  }

  /** {@code true}/{@code false} (any case) or {@code 1}/{@code 0} ({@code 1.0}/{@code 0.0}). */
  public static Optional<Boolean> parseBoolean(String cell) {
    String s = cell.trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("1") || s.equals("1.0")) {
      return Optional.of(Boolean.TRUE);
    }
    if (s.equals("false") || s.equals("0") || s.equals("0.0")) {
      return Optional.of(Boolean.FALSE);
    }
    return Optional.empty();
  }

  /**
   * A finite number in plain decimal or scientific notation (no hex, type suffixes, NaN or Infinity
   * words); empty otherwise.
   */
  public static OptionalDouble parseNumber(String cell) {
    String s = cell.trim();
    boolean digit = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return OptionalDouble.empty();
      }
    }
    if (!digit) {
      return OptionalDouble.empty();
    }
    try {
      double v = Double.parseDouble(s);
      return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  /** The value of a missing cell. */
  public double missing() {
    return kind == ColumnKind.CATEGORICAL ? CategoryLevels.MISSING_CODE : Double.NaN;
  }

  /**
   * A table cell, as training reads it.
   *
   * @throws TableValueException when the cell is not a value of this column
   */
  public double encodeCell(String cell) {
    if (isMissing(cell)) {
      return missing();
    }
    return switch (kind) {
      case NUMERIC ->
          parseNumber(cell)
              .orElseThrow(
                  () -> new TableValueException("\"" + cell.trim() + "\" is not a number"));
      case BOOLEAN -> encodeBoolean(cell);
      case CATEGORICAL -> encodeLevel(cell);
    };
  }

  /**
   * A number: for a numeric column any finite number, for a boolean one 0 or 1.
   *
   * @throws TableValueException for a categorical column (its levels are sent by name), a
   *     non-finite number, or a boolean other than 0 or 1
   */
  public double encodeNumber(double value) {
    if (!Double.isFinite(value)) {
      throw new TableValueException(
          value + " is not a finite number; send a missing value when it is unknown");
    }
    return switch (kind) {
      case NUMERIC -> value;
      case BOOLEAN -> {
        if (value != 0 && value != 1) {
          throw new TableValueException("is boolean: " + value + " is neither 0 nor 1");
        }
        yield value;
      }
      case CATEGORICAL ->
          throw new TableValueException(
              "is categorical: send the level's name, not a number (" + describeLevels() + ")");
    };
  }

  /**
   * A text value: a categorical level, or a boolean word.
   *
   * @throws TableValueException for a numeric column, an unknown level or a non-boolean word
   */
  public double encodeText(String text) {
    if (isMissing(text)) {
      return missing();
    }
    return switch (kind) {
      case NUMERIC ->
          throw new TableValueException(
              "is numeric: send a number, not the text \"" + abbreviate(text) + "\"");
      case BOOLEAN -> encodeBoolean(text);
      case CATEGORICAL -> encodeLevel(text);
    };
  }

  /**
   * A true/false flag, for a boolean column.
   *
   * @throws TableValueException for another kind of column
   */
  public double encodeFlag(boolean flag) {
    if (kind != ColumnKind.BOOLEAN) {
      throw new TableValueException(
          "is "
              + kind.name().toLowerCase(Locale.ROOT)
              + ", not boolean: send "
              + (kind == ColumnKind.NUMERIC
                  ? "a number"
                  : "the level's name (" + describeLevels() + ")"));
    }
    return flag ? 1 : 0;
  }

  private double encodeBoolean(String text) {
    return parseBoolean(text)
        .map(b -> b ? 1.0 : 0.0)
        .orElseThrow(
            () ->
                new TableValueException(
                    "is boolean: \"" + abbreviate(text) + "\" is not true/false (or 1/0)"));
  }

  private double encodeLevel(String level) {
    CategoryLevels l = levels.orElseThrow();
    OptionalInt code = l.code(level);
    if (code.isEmpty()) {
      throw new TableValueException(
          "\""
              + abbreviate(level)
              + "\" is not a level the model was trained on; "
              + describeLevels());
    }
    return code.getAsInt();
  }

  /** {@code 3 levels: a, b, c}, the first levels only when there are many. */
  public String describeLevels() {
    List<String> names = levels.map(CategoryLevels::levels).orElse(List.of());
    StringBuilder sb = new StringBuilder();
    sb.append(names.size()).append(names.size() == 1 ? " level: " : " levels: ");
    for (int i = 0; i < Math.min(names.size(), MAX_QUOTED_LEVELS); i++) {
      sb.append(i == 0 ? "" : ", ").append(names.get(i));
    }
    if (names.size() > MAX_QUOTED_LEVELS) {
      sb.append(", … (").append(names.size() - MAX_QUOTED_LEVELS).append(" more)");
    }
    return sb.toString();
  }

  /** level → code of a categorical column, for bulk encoding (empty for other kinds). */
  public Map<String, Integer> codes() {
    return levels.map(CategoryLevels::codes).orElse(Map.of());
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
