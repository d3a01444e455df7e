package io.propensity.training.jobs;

import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.training.pipeline.CalibrationReport;
import io.propensity.training.pipeline.Progress;
import io.propensity.training.pipeline.comparison.ModelComparison;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of a training job, as clients see it.
 *
 * @param <S> the type of the caller's own description of the job
 * @param id the job id
 * @param modelName the model it trains
 * @param spec the job as the caller described it
 * @param state lifecycle state
 * @param failureReason why it failed, in words a user can act on
 * @param createdAt when it was queued
 * @param startedAt when it started running
 * @param finishedAt when it reached a terminal state
 * @param progress the latest progress report
 * @param modelVersion the registered version, once succeeded
 * @param model the model's test evaluation, once succeeded
 * @param baseline the baseline's test evaluation, once succeeded
 * @param calibration how the model's probabilities were calibrated and the test rows' reliability
 *     before and after, once succeeded
 * @param promotion the promotion outcome, when the job had a policy
 * @param comparison intervals, verdict and naive rules on the test rows, once succeeded
 */
public record Job<S>(
    String id,
    String modelName,
    S spec,
    JobState state,
    Optional<String> failureReason,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<Progress> progress,
    Optional<Instant> progressAt,
    OptionalLong modelVersion,
    Optional<BinaryEvaluation> model,
    Optional<BinaryEvaluation> baseline,
    Optional<CalibrationReport> calibration,
    Optional<ModelPublisher.PromotionOutcome> promotion,
    Optional<ModelComparison> comparison) {}
