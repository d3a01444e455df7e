package io.propensity.training.pipeline.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The integer codes of one categorical column: {@code values().get(code)} is the original string.
 * Code {@link #MISSING_CODE} stands for a missing value (and, at scoring time, for a value not seen
 * in training); the other codes follow the sorted order of the distinct values, so they do not
 * depend on the order of rows in the file.
 *
 * @param feature the column name
 * @param values the value of each code, index = code; index 0 is {@link #MISSING_LABEL}
 */
public record CategoricalVocabulary(String feature, List<String> values) {
  /** The code of a missing or unseen value. */
  public static final int MISSING_CODE = 0;

  /** The display value of {@link #MISSING_CODE}. */
  public static final String MISSING_LABEL = "(missing)";

  public CategoricalVocabulary {
    Objects.requireNonNull(feature, "feature");
    values = List.copyOf(values);
    if (values.isEmpty() || !MISSING_LABEL.equals(values.get(MISSING_CODE))) {
      throw new IllegalArgumentException("code 0 must be " + MISSING_LABEL);
    }
  }

  /** The code of a value, {@link #MISSING_CODE} when it was not seen in training. */
  public int code(String value) {
    int i = values.indexOf(value);
    return i <= 0 ? MISSING_CODE : i;
  }

  /**
   * The original value of a code; {@link #MISSING_LABEL} for the missing code or an unknown code.
   */
  public String value(int code) {
    return code > 0 && code < values.size() ? values.get(code) : MISSING_LABEL;
  }

  /** value → code, for bulk encoding. */
  public Map<String, Integer> codes() {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 1; i < values.size(); i++) {
      m.put(values.get(i), i);
    }
    return m;
  }
}
