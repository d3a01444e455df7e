package io.propensity.common.error;

import java.util.List;

/** The request is malformed; carries every bad field found (gRPC {@code INVALID_ARGUMENT}). */
public final class InvalidInputException extends PropensityException {
  private final List<FieldError> violations;

  public InvalidInputException(String message, List<FieldError> violations) {
    super(message);
    this.violations = List.copyOf(violations);
  }

  /** A single bad field; the message is built from it. */
  public static InvalidInputException of(String field, String description) {
    return new InvalidInputException(
        field + ": " + description, List.of(new FieldError(field, description)));
  }

  /** The bad fields, in the order found. */
  public List<FieldError> violations() {
    return violations;
  }
}
