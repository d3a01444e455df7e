package io.propensity.training.registry;

import io.propensity.common.error.ResourceExhaustedException;

/**
 * How many bytes of artifacts and reports the registry keeps, per model and in all; a registration
 * that would go past either is refused. The registry deletes no version, so a full model stays full
 * until the quota is raised.
 *
 * @param modelBytes most bytes the versions of one model hold together, > 0
 * @param totalBytes most bytes all versions of all models hold together, > 0
 */
public record StorageQuota(long modelBytes, long totalBytes) {
  /** 2 GiB per model, 20 GiB in all. */
  public static final StorageQuota DEFAULT = new StorageQuota(2L << 30, 20L << 30);

  public StorageQuota {
    if (modelBytes <= 0 || totalBytes <= 0) {
      throw new IllegalArgumentException(
          "storage quotas must be > 0 bytes, got " + modelBytes + " per model, " + totalBytes);
    }
  }

  /**
   * Fails when adding {@code adding} bytes to model {@code name} goes past a quota.
   *
   * @param modelUsed bytes the versions of {@code name} hold now
   * @param totalUsed bytes all versions hold now
   * @throws ResourceExhaustedException naming the quota, its property and the sizes
   */
  public void check(String name, long modelUsed, long totalUsed, long adding) {
    if (modelUsed + adding > modelBytes) {
      throw new ResourceExhaustedException(
          "model '"
              + name
              + "' would hold "
              + (modelUsed + adding)
              + " bytes with this version ("
              + modelUsed
              + " stored + "
              + adding
              + " new), more than its quota of "
              + modelBytes
              + " bytes (propensity.registry.model-quota-bytes); nothing was stored");
    }
    if (totalUsed + adding > totalBytes) {
      throw new ResourceExhaustedException(
          "the registry would hold "
              + (totalUsed + adding)
              + " bytes with this version ("
              + totalUsed
              + " stored + "
              + adding
              + " new), more than its quota of "
              + totalBytes
              + " bytes (propensity.registry.total-quota-bytes); nothing was stored");
    }
  }
}
