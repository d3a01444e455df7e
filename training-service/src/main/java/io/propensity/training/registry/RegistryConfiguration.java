package io.propensity.training.registry;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Where and how the model registry keeps its data ({@code propensity.registry.*}, env {@code
 * PROPENSITY_REGISTRY_*}).
 *
 * @param jdbcUrl {@code jdbc:sqlite:<file>} (embedded) or {@code jdbc:postgresql://host:port/db}
 *     (shared by every training-service replica); empty means the embedded default {@code
 *     jdbc:sqlite:${propensity.data-dir}/training-service/registry.db}
 * @param user database user (PostgreSQL)
 * @param password database password (PostgreSQL)
 * @param poolSize most open connections
 * @param watchPollInterval how often alias changes, including other processes', are looked for
 * @param maxArtifactBytes largest artifact RegisterModelVersion accepts (held in memory while it
 *     uploads)
 * @param maxReportBytes largest HTML report RegisterModelVersion accepts
 * @param maxModelTextBytes largest LightGBM text artifact accepted: each is parsed in memory to
 *     check it, at registration and again when an alias is set to it (inference-service loads at
 *     most its own {@code propensity.inference.max-artifact-bytes}, also 64 MiB by default)
 * @param modelQuotaBytes most bytes (artifacts and reports) the versions of one model hold
 * @param totalQuotaBytes most bytes all versions of all models hold
 */
@ConfigurationProperties("propensity.registry")
public record RegistryConfiguration(
    @Bindable(defaultValue = "") String jdbcUrl,
    @Bindable(defaultValue = "") String user,
    @Bindable(defaultValue = "") String password,
    @Bindable(defaultValue = "4") int poolSize,
    @Bindable(defaultValue = "500ms") Duration watchPollInterval,
    @Bindable(defaultValue = "268435456") long maxArtifactBytes,
    @Bindable(defaultValue = "67108864") long maxReportBytes,
    @Bindable(defaultValue = "67108864") long maxModelTextBytes,
    @Bindable(defaultValue = "2147483648") long modelQuotaBytes,
    @Bindable(defaultValue = "21474836480") long totalQuotaBytes) {

  /** The storage quotas. */
  public StorageQuota quota() {
    return new StorageQuota(modelQuotaBytes, totalQuotaBytes);
  }
}
