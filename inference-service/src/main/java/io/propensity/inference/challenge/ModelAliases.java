package io.propensity.inference.challenge;

import java.util.OptionalLong;

/** The registry's aliases as the promotion policy reads and moves them. */
public interface ModelAliases {

  /** The version {@code alias} of {@code model} points at; empty when the alias does not exist. */
  OptionalLong version(String model, String alias);

  /**
   * Points {@code alias} at {@code version} only if it points at {@code expectedCurrent} now
   * (compare-and-set; 0 = no guard): the registry serializes the moves, so two replicas deciding
   * alike cannot both apply a decision.
   *
   * @throws AliasConflictException when the alias moved meanwhile
   */
  void move(String model, String alias, long version, long expectedCurrent);

  /** The alias no longer points at the version the move expected. */
  final class AliasConflictException extends RuntimeException {
    public AliasConflictException(String message) {
      super(message);
    }
  }
}
