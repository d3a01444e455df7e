package io.propensity.inference.predictionlog;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The served-prediction log ({@code propensity.inference.prediction-log.*}, env {@code
 * PROPENSITY_INFERENCE_PREDICTION_LOG_*}).
 *
 * @param enabled record answers at all
 * @param jdbcUrl {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://…}; empty means {@code
 *     jdbc:sqlite:${propensity.data-dir}/inference-service/predictions.db}
 * @param user database user (PostgreSQL)
 * @param password database password (PostgreSQL)
 * @param sampleRate share of requests recorded, 0 to 1 (a request is recorded whole or not at all)
 * @param predictSampleRate Predict's own rate; negative means {@code sample-rate}
 * @param predictBatchSampleRate PredictBatch's own rate; negative means {@code sample-rate}
 * @param streamPredictSampleRate StreamPredict's own rate (per stream); negative means {@code
 *     sample-rate}
 * @param rankTargetsSampleRate RankTargets' own rate; negative means {@code sample-rate}
 * @param rankTargetsMaxRows most ranked targets recorded per ranking (the best ranks), 0 = none
 * @param queueCapacity records waiting for the writer at most; more are dropped and counted
 * @param batchSize most records per insert transaction
 * @param flushInterval longest a record waits for a batch to fill: the writer sleeps this long
 *     between writes unless a full batch wakes it
 * @param retention records older than this are deleted (checked hourly); 0 keeps everything
 */
@ConfigurationProperties("propensity.inference.prediction-log")
public record PredictionLogConfiguration(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "") String jdbcUrl,
    @Bindable(defaultValue = "") String user,
    @Bindable(defaultValue = "") String password,
    @Bindable(defaultValue = "1.0") double sampleRate,
    @Bindable(defaultValue = "-1") double predictSampleRate,
    @Bindable(defaultValue = "-1") double predictBatchSampleRate,
    @Bindable(defaultValue = "-1") double streamPredictSampleRate,
    @Bindable(defaultValue = "-1") double rankTargetsSampleRate,
    @Bindable(defaultValue = "10000") int rankTargetsMaxRows,
    @Bindable(defaultValue = "65536") int queueCapacity,
    @Bindable(defaultValue = "500") int batchSize,
    @Bindable(defaultValue = "200ms") Duration flushInterval,
    @Bindable(defaultValue = "30d") Duration retention) {

  public PredictionLogConfiguration {
    checkRate("sample-rate", sampleRate);
    if (queueCapacity < 1 || batchSize < 1) {
      throw new IllegalArgumentException(
          "propensity.inference.prediction-log.queue-capacity and batch-size must be at least 1");
    }
    if (rankTargetsMaxRows < 0) {
      throw new IllegalArgumentException(
          "propensity.inference.prediction-log.rank-targets-max-rows must be 0 or more");
    }
  }

  private static void checkRate(String key, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(
          "propensity.inference.prediction-log." + key + " must be 0 to 1, got " + rate);
    }
  }

  /** The share of requests of an endpoint that are recorded. */
  public double sampleRate(ServedEndpoint endpoint) {
    double own =
        switch (endpoint) {
          case PREDICT -> predictSampleRate;
          case PREDICT_BATCH -> predictBatchSampleRate;
          case STREAM_PREDICT -> streamPredictSampleRate;
          case RANK_TARGETS -> rankTargetsSampleRate;
        };
    return own < 0 ? sampleRate : Math.min(1, own);
  }
}
