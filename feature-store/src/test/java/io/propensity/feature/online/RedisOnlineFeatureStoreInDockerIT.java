package io.propensity.feature.online;

import io.propensity.common.testing.DockerBackends;

/** The online store contract on Redis in a Docker container (skipped without Docker). */
class RedisOnlineFeatureStoreInDockerIT extends RedisOnlineFeatureStoreIT {
  @Override
  protected String redisUrl() {
    return DockerBackends.redisUrl();
  }
}
