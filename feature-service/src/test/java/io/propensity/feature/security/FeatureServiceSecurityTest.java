package io.propensity.feature.security;

import io.propensity.common.security.ServerSecurityContract;

class FeatureServiceSecurityTest extends ServerSecurityContract {
  @Override
  protected String serviceName() {
    return "feature-service";
  }
}
