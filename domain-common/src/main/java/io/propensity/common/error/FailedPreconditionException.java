package io.propensity.common.error;

import java.util.List;

/**
 * The request is well formed but the system is not in a state to do it, e.g. no production model
 * yet (gRPC {@code FAILED_PRECONDITION}); optionally naming the fields whose values hit the unready
 * state, e.g. the version an alias cannot point at.
 */
public final class FailedPreconditionException extends PropensityException {
  private final List<FieldError> violations;

  public FailedPreconditionException(String message) {
    this(message, List.of());
  }

  public FailedPreconditionException(String message, List<FieldError> violations) {
    super(message);
    this.violations = List.copyOf(violations);
  }

  /** The fields whose values cannot be used in the present state; often none. */
  public List<FieldError> violations() {
    return violations;
  }
}
