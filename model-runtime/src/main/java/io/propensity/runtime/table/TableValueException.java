package io.propensity.runtime.table;

/** A value that its column cannot encode; the message says why and what the column accepts. */
public final class TableValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public TableValueException(String message) {
    super(message);
  }
}
