package io.propensity.dashboard;

import io.micronaut.runtime.Micronaut;
import io.propensity.client.security.ServiceTls;

/** Entry point of the dashboard: a web UI over the feature, training and inference services. */
public final class DashboardApplication {
  private DashboardApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(DashboardApplication.class)
        .banner(false)
        // HTTP on TLS with the gRPC server's PEM files unless insecure (ServiceTls)
        .properties(ServiceTls.httpServerProperties(ServiceTls.systemLookup(System.getenv())))
        .start();
  }
}
