package io.propensity.training.security;

import io.propensity.common.security.ServerSecurityContract;

class TrainingServiceSecurityTest extends ServerSecurityContract {
  @Override
  protected String serviceName() {
    return "training-service";
  }
}
