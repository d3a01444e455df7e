package io.propensity.feature.grpc;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.propensity.common.testing.FuzzedCalls;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import propensity.features.v1.FeatureServiceGrpc;

/**
 * Coverage-guided fuzzing of feature-service's gRPC entry points: any bytes that parse as the
 * request of one of its RPCs, sent to a running service (its real endpoint, error interceptor and
 * embedded store), end in a status other than {@code INTERNAL} or {@code UNKNOWN}. A normal build
 * replays the committed corpus ({@code FeatureEndpointsFuzzTestInputs/}, first byte = the RPC in
 * {@link FuzzedCalls} order); {@code .ci/fuzz.sh} fuzzes.
 */
class FeatureEndpointsFuzzTest {

  /** One service for all inputs, started on first use (Jazzer's driver and JUnit alike). */
  private static final class Service {
    /**
     * Jazzer's SSRF detector reports every connection while fuzzing; this harness makes its own on
     * purpose (Micronaut probing for free ports, the client channel, the service's calls to the
     * in-process fakes), none of them to a destination taken from the input.
     */
    static final SilentCloseable CONNECTIONS_ALLOWED = BugDetectors.allowNetworkConnections();

    static final ApplicationContext CONTEXT = ApplicationContext.run("test");
    static final ManagedChannel CHANNEL;
    static final FuzzedCalls CALLS;

    static {
      GrpcEmbeddedServer server = CONTEXT.getBean(GrpcEmbeddedServer.class);
      if (!server.isRunning()) {
        server.start();
      }
      CHANNEL =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
      CALLS =
          new FuzzedCalls(
              CHANNEL,
              List.of(FeatureServiceGrpc.getServiceDescriptor()),
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
    }
  }
}
