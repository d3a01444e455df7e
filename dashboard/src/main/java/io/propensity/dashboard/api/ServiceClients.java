package io.propensity.dashboard.api;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.propensity.dashboard.config.DashboardConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.registry.v1.ModelRegistryServiceGrpc;

/**
 * The dashboard's gRPC channels to the three services (connected lazily, so a service that is down
 * only fails the calls that need it) and stubs that carry a deadline on every call.
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

  public ServiceClients(DashboardConfiguration config) {
    this.config = config;
    this.features = open(config.featureService());
    this.training = open(config.trainingService());
    this.inference = open(config.inferenceService());
  }

  private static ManagedChannel open(String target) {
    return ManagedChannelBuilder.forTarget(target)
        .usePlaintext()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  public DashboardConfiguration config() {
    return config;
  }

  /** Feature-service stub whose calls time out after {@code deadline}. */
  public FeatureServiceGrpc.FeatureServiceBlockingStub features(Duration deadline) {
    return FeatureServiceGrpc.newBlockingStub(features)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Model-registry stub (in the training-service) with the configured deadline. */
  public ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registry() {
    return ModelRegistryServiceGrpc.newBlockingStub(training)
        .withDeadlineAfter(config.deadline().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Inference stub with the configured deadline. */
  public InferenceServiceGrpc.InferenceServiceBlockingStub inference() {
    return InferenceServiceGrpc.newBlockingStub(inference)
        .withDeadlineAfter(config.deadline().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Async inference stub for streams; the caller sets the stream's deadline. */
  public InferenceServiceGrpc.InferenceServiceStub inferenceAsync() {
    return InferenceServiceGrpc.newStub(inference);
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
          HealthGrpc.newBlockingStub(ch)
              .withDeadlineAfter(
                  Math.min(2000, config.deadline().toMillis()), TimeUnit.MILLISECONDS)
              .check(HealthCheckRequest.getDefaultInstance())
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
