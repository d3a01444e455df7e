package io.propensity.training;

import io.micronaut.runtime.Micronaut;

/**
 * Entry point of the training-service: trains, tunes, evaluates and explains models, and keeps the
 * model registry.
 */
public final class TrainingServiceApplication {
  private TrainingServiceApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args).mainClass(TrainingServiceApplication.class).banner(false).start();
  }
}
