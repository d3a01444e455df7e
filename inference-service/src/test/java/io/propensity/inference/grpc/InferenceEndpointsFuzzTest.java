package io.propensity.inference.grpc;

import static org.awaitility.Awaitility.await;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.propensity.common.testing.FuzzedCalls;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import propensity.inference.v1.InferenceServiceGrpc;

/**
 * Coverage-guided fuzzing of inference-service's gRPC entry points: any bytes that parse as the
 * request of one of its RPCs, sent to a running service (real endpoint, error interceptor, a served
 * LightGBM model named {@value #MODEL} from an in-process registry, histories from an in-process
 * feature-service), end in a status other than {@code INTERNAL} or {@code UNKNOWN}. A normal build
 * replays the committed corpus ({@code InferenceEndpointsFuzzTestInputs/}, first byte = the RPC in
 * {@link FuzzedCalls} order); {@code .ci/fuzz.sh} fuzzes.
 */
class InferenceEndpointsFuzzTest {

  static final String MODEL = "purchase-7d";

  /** One service for all inputs, started on first use (Jazzer's driver and JUnit alike). */
  private static final class Service {
    /**
     * Jazzer's SSRF detector reports every connection while fuzzing; this harness makes its own on
     * purpose (Micronaut probing for free ports, the client channel, the service's calls to the
     * in-process fakes), none of them to a destination taken from the input.
     */
    static final SilentCloseable CONNECTIONS_ALLOWED = BugDetectors.allowNetworkConnections();

    static final FakeModelRegistry REGISTRY = FakeModelRegistry.start();
    static final FakeFeatureService FEATURES = FakeFeatureService.start();
    static final ApplicationContext CONTEXT;
    static final ManagedChannel CHANNEL;
    static final FuzzedCalls CALLS;

    static {
      REGISTRY.promote(MODEL, REGISTRY.register(MODEL, TestModels.train(10, 7, 1)));
      CONTEXT =
          ApplicationContext.run(
              Map.of(
                  "propensity.inference.registry.target",
                  REGISTRY.target(),
                  "propensity.inference.feature-service.target",
                  FEATURES.target(),
                  "propensity.inference.registry.poll-interval",
                  "1h",
                  "propensity.inference.default-model",
                  MODEL),
              "test");
      GrpcEmbeddedServer server = CONTEXT.getBean(GrpcEmbeddedServer.class);
      if (!server.isRunning()) {
        server.start();
      }
      ServedModels served = CONTEXT.getBean(ServedModels.class);
      // polled on this thread: a lambda of a class being initialized blocks any other thread
      await()
          .pollInSameThread()
          .atMost(Duration.ofSeconds(120))
          .until(() -> served.currentVersion(MODEL).isPresent());
      CHANNEL =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
      CALLS =
          new FuzzedCalls(
              CHANNEL,
              List.of(InferenceServiceGrpc.getServiceDescriptor()),
              List.of(),
              10_000,
              3_000);
    }
  }

  private static volatile boolean started;

  @FuzzTest(maxDuration = "10m")
  void noRequestEndsAsInternalOrUnknown(byte[] input) throws InterruptedException {
    started = true;
    Optional<FuzzedCalls.Outcome> outcome = Service.CALLS.call(input);
    if (outcome.isPresent() && outcome.get().isServerFault()) {
      throw new AssertionError("a server fault: " + outcome.get().describe());
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (started) {
      Service.CHANNEL.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      Service.CONTEXT.close();
      Service.REGISTRY.close();
      Service.FEATURES.close();
    }
  }
}
