package io.propensity.dashboard.api;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.HealthClient;
import io.propensity.client.InferenceServiceClient;
import io.propensity.client.ModelRegistryClient;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.dashboard.config.DashboardConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The dashboard's gRPC channels to the three services (connected lazily, so a service that is down
 * only fails the calls that need it; TLS with the dashboard's own certificate unless insecure) and
 * the clients on them, which carry a deadline on every call.
 */
@Singleton
public final class ServiceClients {
  public static final String FEATURE_SERVICE = "feature-service";
  public static final String TRAINING_SERVICE = "training-service";
  public static final String INFERENCE_SERVICE = "inference-service";

  private final DashboardConfiguration config;
  private final ManagedChannel features;
  private final ManagedChannel training;
  private final ManagedChannel inference;
  private final FeatureServiceClient featureClient;
  private final ModelRegistryClient registryClient;
  private final InferenceServiceClient inferenceClient;

  public ServiceClients(DashboardConfiguration config, ChannelSecurity security) {
    this.config = config;
    this.features = security.open(config.featureService());
    this.training = security.open(config.trainingService());
    this.inference = security.open(config.inferenceService());
    this.featureClient = new FeatureServiceClient(features, config.deadline());
    this.registryClient = new ModelRegistryClient(training, config.deadline());
    this.inferenceClient = new InferenceServiceClient(inference, config.deadline());
  }

  public DashboardConfiguration config() {
    return config;
  }

  /** Feature-service client whose calls time out after {@code deadline}. */
  public FeatureServiceClient features(Duration deadline) {
    return featureClient.withDeadline(deadline);
  }

  /** Model-registry client (in the training-service) with the configured deadline. */
  public ModelRegistryClient registry() {
    return registryClient;
  }

  /**
   * Inference client with the configured deadline; a stream sets its own with {@code withDeadline}.
   */
  public InferenceServiceClient inference() {
    return inferenceClient;
  }

  /** The address of a service by its name. */
  public String target(String service) {
    return switch (service) {
      case FEATURE_SERVICE -> config.featureService();
      case TRAINING_SERVICE -> config.trainingService();
      case INFERENCE_SERVICE -> config.inferenceService();
      default -> throw new IllegalArgumentException(service);
    };
  }

  /**
   * Runs one call to {@code service}, turning a gRPC failure into a {@link ServiceCallException}.
   */
  public <T> T call(String service, Supplier<T> call) {
    reconnectNow(channel(service));
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw new ServiceCallException(service, target(service), e.getStatus(), e);
    }
  }

  /** gRPC health of a service: SERVING, NOT_SERVING, or UNREACHABLE with the reason. */
  public Health health(String service) {
    ManagedChannel ch = channel(service);
    reconnectNow(ch);
    try {
      var status =
          new HealthClient(ch, Duration.ofMillis(Math.min(2000, config.deadline().toMillis())))
              .check()
              .getStatus();
      return new Health(service, target(service), status.name(), "");
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      return new Health(
          service,
          target(service),
          "UNREACHABLE",
          new ServiceCallException(service, target(service), s, e).getMessage());
    }
  }

  /** Asks the channel to a service to reconnect now if it is waiting after a failed attempt. */
  public void reconnect(String service) {
    reconnectNow(channel(service));
  }

  private ManagedChannel channel(String service) {
    return switch (service) {
      case FEATURE_SERVICE -> features;
      case TRAINING_SERVICE -> training;
      default -> inference;
    };
  }

  /**
   * A channel that failed to connect waits (exponential backoff, up to minutes) before trying
   * again; a service that has come up since must not look down for that long, so a call on such a
   * channel first asks it to reconnect at once and gives the attempt a moment (connection refused
   * is quick).
   */
  private static void reconnectNow(ManagedChannel ch) {
    ConnectivityState state = ch.getState(true);
    if (state != ConnectivityState.TRANSIENT_FAILURE) {
      return;
    }
    CountDownLatch changed = new CountDownLatch(1);
    ch.notifyWhenStateChanged(state, changed::countDown);
    ch.resetConnectBackoff();
    try {
      changed.await(250, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One service's health as the status bar shows it. */
  @io.micronaut.serde.annotation.Serdeable
  public record Health(String service, String target, String status, String message) {}

  @PreDestroy
  void close() {
    features.shutdownNow();
    training.shutdownNow();
    inference.shutdownNow();
  }
}
