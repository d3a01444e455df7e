package io.propensity.inference.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How RankTargets reads its candidates from the feature service ({@code
 * propensity.inference.ranking.*}, env {@code PROPENSITY_INFERENCE_RANKING_*}).
 *
 * @param pageSize users per ListUsers page when ranking every user (1 to 10,000, the feature
 *     service's limit); each page is fetched in GetOnlineFeatures chunks of {@code
 *     feature-service.max-users-per-call}
 * @param fetchParallelism GetOnlineFeatures calls in flight at once per ranking (1 to 64), read
 *     ahead of the chunk being scored and scored in candidate order
 * @param deadline deadline of each ListUsers and GetOnlineFeatures call a ranking makes (a caller's
 *     shorter deadline wins); longer than {@code feature-service.deadline}, which is meant for one
 *     user's Predict
 */
@ConfigurationProperties("propensity.inference.ranking")
public record RankingConfiguration(
    @Bindable(defaultValue = "10000") int pageSize,
    @Bindable(defaultValue = "4") int fetchParallelism,
    @Bindable(defaultValue = "30s") Duration deadline) {
  public RankingConfiguration {
    if (pageSize < 1 || pageSize > 10_000) {
      throw new IllegalArgumentException(
          "propensity.inference.ranking.page-size " + pageSize + " is outside 1 to 10000");
    }
    if (fetchParallelism < 1 || fetchParallelism > 64) {
      throw new IllegalArgumentException(
          "propensity.inference.ranking.fetch-parallelism "
              + fetchParallelism
              + " is outside 1 to 64");
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException(
          "propensity.inference.ranking.deadline must be positive, got " + deadline);
    }
  }
}
