package io.propensity.training.registry;

import java.util.List;
import java.util.OptionalLong;

/**
 * A page of a model's versions, newest first.
 *
 * @param versions the versions
 * @param nextBeforeVersion where the next page starts (versions below this number); empty on the
 *     last page
 */
public record VersionPage(List<ModelVersionRecord> versions, OptionalLong nextBeforeVersion) {
  public VersionPage {
    versions = List.copyOf(versions);
  }
}
