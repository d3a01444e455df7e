package io.propensity.training.registry;

/** Which version of a model to resolve: the newest, a number, or the target of an alias. */
public sealed interface VersionSelector {
  /** The newest version. */
  record Latest() implements VersionSelector {}

  /** Version {@code version}, >= 1. */
  record Number(long version) implements VersionSelector {}

  /** The version alias {@code alias} points at. */
  record Alias(String alias) implements VersionSelector {}

  /** The newest version. */
  static VersionSelector latest() {
    return new Latest();
  }

  /** Version {@code version}. */
  static VersionSelector version(long version) {
    return new Number(version);
  }

  /** The version {@code alias} points at. */
  static VersionSelector alias(String alias) {
    return new Alias(alias);
  }
}
