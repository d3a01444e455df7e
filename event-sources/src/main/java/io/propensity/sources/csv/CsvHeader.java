package io.propensity.sources.csv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A file's header row; columns are found by name, ignoring case and surrounding spaces. */
record CsvHeader(List<String> names, Map<String, Integer> indexByKey) {

  CsvHeader {
    names = List.copyOf(names);
    indexByKey = Map.copyOf(indexByKey);
  }

  static CsvHeader of(List<String> raw) {
    List<String> names = new ArrayList<>(raw.size());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      String name = raw.get(i);
      if (i == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1); // a UTF-8 byte order mark that the reader passed through
      }
      name = name.strip();
      names.add(name);
      index.putIfAbsent(
          key(name), i); // the first of duplicate names wins, like a spreadsheet lookup
    }
    return new CsvHeader(names, index);
  }

  static String key(String name) {
    return name.strip().toLowerCase(Locale.ROOT);
  }

  int size() {
    return names.size();
  }

  /**
   * The index of a column given by name, else by its number ({@code 1} for the first) when no
   * column has that name.
   */
  Optional<Integer> find(String column) {
    Integer byName = indexByKey.get(key(column));
    if (byName != null) {
      return Optional.of(byName);
    }
    String c = column.strip();
    if (!c.isEmpty() && c.length() <= 6 && c.chars().allMatch(Character::isDigit)) {
      int n = Integer.parseInt(c);
      if (n >= 1 && n <= names.size()) {
        return Optional.of(n - 1);
      }
    }
    return Optional.empty();
  }

  /** The header of a file without one: its columns called 1, 2, 3... */
  static CsvHeader numbered(int columns) {
    List<String> names = new ArrayList<>(columns);
    for (int i = 1; i <= columns; i++) {
      names.add(Integer.toString(i));
    }
    return of(names);
  }

  /** The exception for required columns the header lacks. */
  CsvHeaderException missing(List<String> columns, String formatName) {
    return new CsvHeaderException(
        "the header lacks required column"
            + (columns.size() > 1 ? "s " : " ")
            + String.join(", ", columns)
            + " of the "
            + formatName
            + " format; the header has: "
            + String.join(", ", names)
            + " (a file without a header row takes header=false, or columns=a,b,c to name its"
            + " columns; a column can also be given by number, 1 for the first)");
  }
}
