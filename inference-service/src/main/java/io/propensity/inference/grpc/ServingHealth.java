package io.propensity.inference.grpc;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServingListener;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import propensity.inference.v1.InferenceServiceGrpc;

/**
 * Reports the standard gRPC health: NOT_SERVING until a version of the default model is loaded,
 * SERVING from then on, both overall ({@code ""}) and for {@code
 * propensity.inference.v1.InferenceService}.
 */
public final class ServingHealth implements ServingListener {
  private static final Logger LOG = LoggerFactory.getLogger(ServingHealth.class);
  private final HealthStatusManager health;
  private final String defaultModel;
  private volatile boolean serving;

  public ServingHealth(HealthStatusManager health, String defaultModel) {
    this.health = health;
    this.defaultModel = defaultModel;
    set(ServingStatus.NOT_SERVING);
    LOG.info("health NOT_SERVING until a production version of '{}' is loaded", defaultModel);
  }

  private void set(ServingStatus status) {
    if (health != null) {
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
      health.setStatus(InferenceServiceGrpc.SERVICE_NAME, status);
    }
  }

  @Override
  public void swapped(ServedModel current, Optional<ServedModel> previous) {
    if (!serving && current.name().equals(defaultModel)) {
      serving = true;
      set(ServingStatus.SERVING);
      LOG.info("health SERVING: {} is loaded", current.descriptor().label());
    }
  }
}
