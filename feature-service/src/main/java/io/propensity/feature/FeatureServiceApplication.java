package io.propensity.feature;

import io.micronaut.runtime.Micronaut;
import io.propensity.client.security.ServiceTls;

/**
 * Entry point of the feature-service: ingests behaviour events, stores them durably, serves online
 * features and point-in-time training sets.
 */
public final class FeatureServiceApplication {
  private FeatureServiceApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(FeatureServiceApplication.class)
        .banner(false)
        // HTTP on TLS with the gRPC server's PEM files unless insecure (ServiceTls)
        .properties(ServiceTls.httpServerProperties(ServiceTls.systemLookup(System.getenv())))
        .start();
  }
}
