package io.propensity.cli;

import io.grpc.ManagedChannel;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.InferenceServiceClient;
import io.propensity.client.ModelRegistryClient;
import io.propensity.client.TrainingServiceClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the services are, shared by the commands that talk to them: an option, else its environment
 * variable, else the port of {@code PROPENSITY_BASE_PORT}'s stack, else the default stack's port on
 * 127.0.0.1. Opens channels lazily and closes them with the command.
 */
final class Endpoints implements AutoCloseable {
  @Option(
      names = "--feature-service",
      description =
          "feature-service gRPC address host:port (env PROPENSITY_FEATURE_SERVICE; default 127.0.0.1:50051)")
  String featureService;

  @Option(
      names = "--training-service",
      description =
          "training-service (and model registry) gRPC address (env PROPENSITY_TRAINING_SERVICE; default 127.0.0.1:50052)")
  String trainingService;

  @Option(
      names = "--inference-service",
      description =
          "inference-service gRPC address (env PROPENSITY_INFERENCE_SERVICE; default 127.0.0.1:50053)")
  String inferenceService;

  @Option(
      names = "--deadline",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "deadline of each call, e.g. 10s, 2m (default ${DEFAULT-VALUE})")
  Duration deadline;

  private final List<ManagedChannel> opened = new ArrayList<>();
  private ManagedChannel training;
  private ManagedChannel inference;

  String feature() {
    return resolve(featureService, "PROPENSITY_FEATURE_SERVICE", 1);
  }

  String training() {
    return resolve(trainingService, "PROPENSITY_TRAINING_SERVICE", 2);
  }

  String inference() {
    return resolve(inferenceService, "PROPENSITY_INFERENCE_SERVICE", 3);
  }

  private static String resolve(String option, String env, int slot) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    Optional<String> fromEnv = Optional.ofNullable(System.getenv(env)).filter(s -> !s.isBlank());
    if (fromEnv.isPresent()) {
      return fromEnv.get();
    }
    int base = Stack.DEFAULT_BASE_PORT;
    String b = System.getenv("PROPENSITY_BASE_PORT");
    if (b != null && !b.isBlank()) {
      try {
        base = Integer.parseInt(b.trim());
      } catch (NumberFormatException e) {
        throw new CliException("PROPENSITY_BASE_PORT=" + b + " is not a port number", 2);
      }
    }
    return "127.0.0.1:" + (base + slot);
  }

  /** Uses these addresses (e.g. those of a stack just started) instead of the options. */
  Endpoints pointAt(String feature, String training, String inference) {
    this.featureService = feature;
    this.trainingService = training;
    this.inferenceService = inference;
    return this;
  }

  FeatureServiceClient featureClient() {
    return FeatureServiceClient.connect(feature(), deadline);
  }

  ManagedChannel trainingChannel() {
    if (training == null) {
      training = open(training());
    }
    return training;
  }

  ManagedChannel inferenceChannel() {
    if (inference == null) {
      inference = open(inference());
    }
    return inference;
  }

  private ManagedChannel open(String target) {
    ManagedChannel ch = FeatureServiceClient.plaintext(target);
    opened.add(ch);
    return ch;
  }

  /** The training service, with the per-call deadline. */
  TrainingServiceClient trainingClient() {
    return new TrainingServiceClient(trainingChannel(), deadline);
  }

  /** The model registry (served by the training service), with the per-call deadline. */
  ModelRegistryClient registryClient() {
    return new ModelRegistryClient(trainingChannel(), deadline);
  }

  /** The inference service, with the per-call deadline. */
  InferenceServiceClient inferenceClient() {
    return new InferenceServiceClient(inferenceChannel(), deadline);
  }

  @Override
  public void close() {
    for (ManagedChannel ch : opened) {
      ch.shutdownNow();
    }
    opened.clear();
    training = null;
    inference = null;
  }
}
