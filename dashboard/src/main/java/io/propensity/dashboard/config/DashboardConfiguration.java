package io.propensity.dashboard.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Where the services are and how long the dashboard waits for them ({@code propensity.dashboard.*},
 * env {@code PROPENSITY_DASHBOARD_*}).
 *
 * @param featureService feature-service gRPC address, {@code host:port}; or several replicas,
 *     {@code host1:port,host2:port} or {@code dns:///name:port}, balanced call by call
 * @param trainingService training-service (and model registry) gRPC address (or replicas)
 * @param inferenceService inference-service gRPC address (or replicas)
 * @param deadline deadline of every unary call
 * @param overviewDeadline deadline of GetDataOverview, which scans the event store
 * @param explainRows most golden rows, and most sampled users, explained for the SHAP dependence
 *     plot (once per served version)
 */
@ConfigurationProperties("propensity.dashboard")
public record DashboardConfiguration(
    @Bindable(defaultValue = "127.0.0.1:50051") String featureService,
    @Bindable(defaultValue = "127.0.0.1:50052") String trainingService,
    @Bindable(defaultValue = "127.0.0.1:50053") String inferenceService,
    @Bindable(defaultValue = "5s") Duration deadline,
    @Bindable(defaultValue = "60s") Duration overviewDeadline,
    @Bindable(defaultValue = "100") int explainRows) {}
