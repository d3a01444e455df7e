package io.propensity.training.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Training jobs ({@code propensity.training.*}, env {@code PROPENSITY_TRAINING_*}).
 *
 * @param featureService gRPC address of feature-service, {@code host:port}
 * @param trainingSetDeadline how long streaming one training set may take
 * @param maxQueuedJobs most jobs waiting to run; more get RESOURCE_EXHAUSTED
 */
@ConfigurationProperties("propensity.training")
public record TrainingConfiguration(
    @Bindable(defaultValue = "127.0.0.1:50051") String featureService,
    @Bindable(defaultValue = "30m") Duration trainingSetDeadline,
    @Bindable(defaultValue = "20") int maxQueuedJobs) {}
