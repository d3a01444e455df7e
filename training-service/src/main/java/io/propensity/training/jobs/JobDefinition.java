package io.propensity.training.jobs;

import io.propensity.training.pipeline.TrainingRequest;
import io.propensity.training.pipeline.TrainingSource;
import io.propensity.training.registry.VersionDetails.LineageSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A validated training job: what to call the model, how to get the rows, how to train on them and
 * what to do with the result.
 *
 * @param <S> the type of the caller's own description of the job
 * @param modelName registry name of the model
 * @param loader produces the rows when the job runs
 * @param request builds the pipeline request for the loaded rows
 * @param dataSource where the rows come from, as the new version's lineage records it
 * @param promotion what to do after registering, if anything
 * @param requestId the caller's idempotency key, if any
 * @param spec the job as the caller described it, echoed back in job views (never read here)
 */
public record JobDefinition<S>(
    String modelName,
    DataLoader loader,
    Function<TrainingSource, TrainingRequest> request,
    LineageSource dataSource,
    Optional<Promotion> promotion,
    Optional<String> requestId,
    S spec) {

  public JobDefinition {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(promotion, "promotion");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(spec, "spec");
  }

  /**
   * Promote the new version to {@code alias} when it beats the version there on {@code metric} by
   * at least {@code minMargin} (and its feature schema matches).
   */
  public record Promotion(
      io.propensity.training.registry.Metric metric, double minMargin, String alias) {}
}
