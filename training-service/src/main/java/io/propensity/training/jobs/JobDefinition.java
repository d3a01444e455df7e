package io.propensity.training.jobs;

import io.propensity.training.pipeline.TrainingRequest;
import io.propensity.training.pipeline.TrainingSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A validated training job: what to call the model, how to get the rows, how to train on them and
 * what to do with the result.
 *
 * @param modelName registry name of the model
 * @param loader produces the rows when the job runs
 * @param request builds the pipeline request for the loaded rows
 * @param promotion what to do after registering, if anything
 * @param requestId the caller's idempotency key, if any
 * @param specDetails the spec as the caller sent it, opaque here, echoed back in job views
 */
public record JobDefinition(
    String modelName,
    DataLoader loader,
    Function<TrainingSource, TrainingRequest> request,
    Optional<Promotion> promotion,
    Optional<String> requestId,
    byte[] specDetails) {

  public JobDefinition {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(promotion, "promotion");
    Objects.requireNonNull(requestId, "requestId");
    specDetails = specDetails.clone();
  }

  @Override
  public byte[] specDetails() {
    return specDetails.clone();
  }

  /**
   * Promote the new version to {@code alias} when it beats the version there on {@code metric} by
   * at least {@code minMargin} (and its feature schema matches).
   */
  public record Promotion(
      io.propensity.training.registry.Metric metric, double minMargin, String alias) {}
}
