package io.propensity.inference.security;

import io.propensity.common.security.ServerSecurityContract;
import java.util.Map;

class InferenceServiceSecurityTest extends ServerSecurityContract {
  @Override
  protected String serviceName() {
    return "inference-service";
  }

  @Override
  protected Map<String, Object> serviceProperties() {
    // no neighbours: the auth checks need the service's own port only
    return Map.of(
        "propensity.inference.registry.target", "127.0.0.1:1",
        "propensity.inference.feature-service.target", "127.0.0.1:1",
        "propensity.inference.scorers-per-model", "1");
  }
}
