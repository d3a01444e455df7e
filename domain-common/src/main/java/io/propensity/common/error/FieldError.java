package io.propensity.common.error;

import java.util.Objects;

/**
 * One bad field of a request: a path a user can find (e.g. {@code events[17].occurred_at}) and why.
 *
 * @param field path of the field in the request
 * @param description why the value is refused, in words a user can act on
 */
public record FieldError(String field, String description) {
  public FieldError {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(description, "description");
  }

  @Override
  public String toString() {
    return field + ": " + description;
  }
}
