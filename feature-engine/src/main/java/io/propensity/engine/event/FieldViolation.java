package io.propensity.engine.event;

/**
 * One reason an event was refused: which field and why, in words a user can act on.
 *
 * @param field the field name as it appears in the contract, e.g. {@code occurred_at}
 * @param reason why it is wrong, e.g. {@code 2031-01-01T00:00:00Z is more than 1 day in the future}
 */
public record FieldViolation(String field, String reason) {
  @Override
  public String toString() {
    return field + ": " + reason;
  }
}
