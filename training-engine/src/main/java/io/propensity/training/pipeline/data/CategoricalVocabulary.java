package io.propensity.training.pipeline.data;

import io.propensity.runtime.table.CategoryLevels;
import io.propensity.runtime.table.TableColumn;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The integer codes of one categorical column: {@code values().get(code)} is the original string.
 * Code {@link #MISSING_CODE} stands for a missing value (and, in {@link #code}, for a value not
 * seen in training); the other codes follow the sorted order of the distinct values, so they do not
 * depend on the order of rows in the file. The codes are model-runtime's {@link CategoryLevels},
 * the one definition serving shares.
 *
 * @param feature the column name
 * @param values the value of each code, index = code; index 0 is {@link #MISSING_LABEL}
 */
public record CategoricalVocabulary(String feature, List<String> values) {
  /** The code of a missing or unseen value. */
  public static final int MISSING_CODE = CategoryLevels.MISSING_CODE;

  /** The display value of {@link #MISSING_CODE}. */
  public static final String MISSING_LABEL = CategoryLevels.MISSING_LABEL;

  public CategoricalVocabulary {
    Objects.requireNonNull(feature, "feature");
    values = new CategoryLevels(values).values();
  }

  /** The levels and their codes, as model-runtime defines them. */
  public CategoryLevels levels() {
    return new CategoryLevels(values);
  }

  /** The column, for encoding its cells as training and serving both do. */
  public TableColumn column() {
    return TableColumn.categorical(feature, levels());
  }

  /** The code of a value, {@link #MISSING_CODE} when it was not seen in training. */
  public int code(String value) {
    return levels().code(value).orElse(MISSING_CODE);
  }

  /**
   * The original value of a code; {@link #MISSING_LABEL} for the missing code or an unknown code.
   */
  public String value(int code) {
    return levels().value(code);
  }

  /** value → code, for bulk encoding. */
  public Map<String, Integer> codes() {
    return levels().codes();
  }
}
