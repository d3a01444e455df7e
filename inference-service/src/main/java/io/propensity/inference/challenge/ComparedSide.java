package io.propensity.inference.challenge;

import java.util.Objects;

/**
 * One side of a comparison: the answers a model version gave for an alias.
 *
 * @param alias alias the answers were served for, e.g. {@code production} or {@code challenger}
 * @param version model version that gave them, ≥ 1
 */
public record ComparedSide(String alias, long version) {
  public ComparedSide {
    Objects.requireNonNull(alias, "alias");
    if (version < 1) {
      throw new IllegalArgumentException("version is " + version + "; expected >= 1");
    }
  }
}
