package io.propensity.training.jobs;

import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.ProgressListener;
import io.propensity.training.pipeline.TrainingSource;

/**
 * Produces a job's training data when the job runs (e.g. streams a training set from
 * feature-service).
 */
@FunctionalInterface
public interface DataLoader {
  /** The rows, ready for the pipeline; reports progress and honours cancellation. */
  TrainingSource load(ProgressListener progress, CancellationToken cancel);
}
