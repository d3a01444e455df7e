package io.propensity.training.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A named model: the series of its versions.
 *
 * @param name model name
 * @param latestVersion number of the newest version
 * @param versionCount number of versions
 * @param aliases each alias of the model and the version it points at, by alias name
 * @param target target of the newest version, when it has one
 * @param createdAt when the first version was registered
 * @param updatedAt when the newest version was registered or an alias last moved
 */
public record ModelSummary(
    String name,
    long latestVersion,
    long versionCount,
    Map<String, Long> aliases,
    Optional<String> target,
    Instant createdAt,
    Instant updatedAt) {
  public ModelSummary {
    aliases = Map.copyOf(aliases);
  }
}
