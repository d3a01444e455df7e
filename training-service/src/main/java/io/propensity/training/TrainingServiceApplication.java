package io.propensity.training;

import io.micronaut.runtime.Micronaut;
import io.propensity.client.security.ServiceTls;

/**
 * Entry point of the training-service: trains, tunes, evaluates and explains models, and keeps the
 * model registry.
 */
public final class TrainingServiceApplication {
  private TrainingServiceApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(TrainingServiceApplication.class)
        .banner(false)
        // HTTP on TLS with the gRPC server's PEM files unless insecure (ServiceTls)
        .properties(ServiceTls.httpServerProperties(ServiceTls.systemLookup(System.getenv())))
        .start();
  }
}
