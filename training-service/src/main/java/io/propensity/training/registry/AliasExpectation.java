package io.propensity.training.registry;

/**
 * Compare-and-set guard of an alias change: what the alias must point at for the change to apply;
 * otherwise the change fails with {@code FailedPreconditionException} and nothing moves.
 */
public sealed interface AliasExpectation {
  /** No guard: the change applies whatever the alias points at. */
  record Any() implements AliasExpectation {}

  /** The alias must not exist yet (first promotion). */
  record Absent() implements AliasExpectation {}

  /** The alias must point at {@code version}. */
  record At(long version) implements AliasExpectation {}

  /** No guard. */
  static AliasExpectation any() {
    return new Any();
  }

  /** The alias must not exist. */
  static AliasExpectation absent() {
    return new Absent();
  }

  /** The alias must point at {@code version}. */
  static AliasExpectation at(long version) {
    return new At(version);
  }
}
