package io.propensity.runtime.table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The codes of one categorical column: {@code values().get(code)} is the level's name. Code {@link
 * #MISSING_CODE} ({@link #MISSING_LABEL}) stands for a missing value; the other codes follow the
 * sorted order of the distinct levels, so they do not depend on the order of rows in the table.
 * This list is what a model version registers as its feature's categories.
 *
 * @param values the name of each code, index = code; index 0 is {@link #MISSING_LABEL}
 */
public record CategoryLevels(List<String> values) {
  /** The code of a missing value. */
  public static final int MISSING_CODE = 0;

  /** The name of {@link #MISSING_CODE}. */
  public static final String MISSING_LABEL = "(missing)";

  public CategoryLevels {
    values = List.copyOf(values);
    if (values.isEmpty() || !MISSING_LABEL.equals(values.get(MISSING_CODE))) {
      throw new IllegalArgumentException("code 0 must be " + MISSING_LABEL);
    }
  }

  /** The levels of these distinct level names: sorted, after the missing code. */
  public static CategoryLevels of(Collection<String> levels) {
    List<String> values = new ArrayList<>();
    values.add(MISSING_LABEL);
    values.addAll(new TreeSet<>(levels));
    return new CategoryLevels(values);
  }

  /** The code of a level (trimmed, exact case), empty when the table had no such level. */
  public OptionalInt code(String level) {
    int i = values.indexOf(level.trim());
    return i <= MISSING_CODE ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /** The name of a code; {@link #MISSING_LABEL} for the missing code or an unknown code. */
  public String value(int code) {
    return code > 0 && code < values.size() ? values.get(code) : MISSING_LABEL;
  }

  /** The level names without the missing code, in code order. */
  public List<String> levels() {
    return values.subList(1, values.size());
  }

  /** level → code, for bulk encoding. */
  public Map<String, Integer> codes() {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 1; i < values.size(); i++) {
      m.put(values.get(i), i);
    }
    return m;
  }
}
