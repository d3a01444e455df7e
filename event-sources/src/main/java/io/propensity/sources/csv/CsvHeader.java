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

  Optional<Integer> find(String column) {
    return Optional.ofNullable(indexByKey.get(key(column)));
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
            + String.join(", ", names));
  }
}
