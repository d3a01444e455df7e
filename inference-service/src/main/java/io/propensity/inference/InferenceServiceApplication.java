package io.propensity.inference;

import io.micronaut.runtime.Micronaut;

/** Entry point of the inference-service: serves low-latency predictions with explanations, live event streams and campaign targets. */
public final class InferenceServiceApplication {
  private InferenceServiceApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args).mainClass(InferenceServiceApplication.class).banner(false).start();
  }
}
