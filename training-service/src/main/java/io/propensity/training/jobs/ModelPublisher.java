package io.propensity.training.jobs;

import io.propensity.training.pipeline.TrainingResult;
import java.util.Optional;

/** Registers a trained model as a new version, and applies the job's promotion policy. */
public interface ModelPublisher {

  /** Registers {@code result} as the next version of {@code job.modelName()}. */
  Published publish(String jobId, JobDefinition<?> job, TrainingResult result);

  /**
   * What publishing did.
   *
   * @param version the new version number
   * @param promotion the promotion decision, when the job asked for one
   */
  record Published(long version, Optional<PromotionOutcome> promotion) {}

  /** Outcome of a promotion policy. */
  record PromotionOutcome(boolean promoted, String alias, long previousVersion, String reason) {}
}
