package io.propensity.feature.grpc;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micronaut.context.ApplicationContext;
import io.propensity.common.testing.FuzzedCalls;
import io.propensity.common.testing.FuzzedService;
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

    static final FuzzedService FUZZED =
        FuzzedService.of(ApplicationContext.run("test"), FeatureServiceGrpc.getServiceDescriptor());
  }

  private static volatile boolean started;

  @FuzzTest(maxDuration = "10m")
  void noRequestEndsAsInternalOrUnknown(byte[] input) throws InterruptedException {
    started = true;
    Service.FUZZED.requireNoServerFault(input);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (started) {
      Service.FUZZED.close();
    }
  }
}
