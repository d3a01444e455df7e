package io.propensity.inference.outcomes;

import io.propensity.inference.outcomes.metrics.LiveMetricsService;
import java.util.Optional;

/**
 * The outcome join as wired: all empty when the served-prediction log is off; no job when the
 * joiner is disabled or has no feature service.
 *
 * @param store joined outcomes
 * @param labeled labelled served predictions (empty answers when the log is off)
 * @param metrics live metrics
 * @param job the scheduled joiner
 */
public record LiveOutcomes(
    Optional<OutcomeStore> store,
    LabeledPredictions labeled,
    Optional<LiveMetricsService> metrics,
    Optional<OutcomeJob> job)
    implements AutoCloseable {

  @Override
  public void close() {
    job.ifPresent(OutcomeJob::close);
  }
}
