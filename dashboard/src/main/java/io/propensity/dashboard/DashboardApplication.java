package io.propensity.dashboard;

import io.micronaut.runtime.Micronaut;

/** Entry point of the dashboard: a web UI over the feature, training and inference services. */
public final class DashboardApplication {
  private DashboardApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args).mainClass(DashboardApplication.class).banner(false).start();
  }
}
