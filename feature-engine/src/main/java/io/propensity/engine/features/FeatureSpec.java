package io.propensity.engine.features;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The definition of one feature as models and people see it.
 *
 * @param name unique snake_case name, e.g. {@code sessions_7d}
 * @param type what kind of number it is
 * @param description one sentence: what is measured, in which unit, and the value when undefined
 * @param window the span of history it looks at
 */
public record FeatureSpec(String name, FeatureType type, String description, FeatureWindow window) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(window, "window");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("feature name must be snake_case: " + name);
    }
    if (description.isBlank() || description.contains("\n") || description.contains("\t")) {
      throw new IllegalArgumentException(name + ": description must be one non-blank line");
    }
  }
}
