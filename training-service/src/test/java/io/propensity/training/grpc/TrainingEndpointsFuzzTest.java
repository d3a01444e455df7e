package io.propensity.training.grpc;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micronaut.context.ApplicationContext;
import io.propensity.common.testing.FuzzedCalls;
import io.propensity.common.testing.FuzzedService;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.training.v1.TrainingServiceGrpc;

/**
 * Coverage-guided fuzzing of training-service's gRPC entry points, the model registry's and the
 * training jobs': any bytes that parse as the request of one of their RPCs, sent to a running
 * service (real endpoints, error interceptor, embedded registry), end in a status other than {@code
 * INTERNAL} or {@code UNKNOWN}. The feature-service a training job would read from is a closed
 * port, so a job that passes validation fails as it starts, without using the machine. A normal
 * build replays the committed corpus ({@code TrainingEndpointsFuzzTestInputs/}, first byte = the
 * RPC in {@link FuzzedCalls} order); {@code .ci/fuzz.sh} fuzzes.
 */
class TrainingEndpointsFuzzTest {

  /** One service for all inputs, started on first use (Jazzer's driver and JUnit alike). */
  private static final class Service {
    /**
     * Jazzer's SSRF detector reports every connection while fuzzing; this harness makes its own on
     * purpose (Micronaut probing for free ports, the client channel, the service's calls to the
     * in-process fakes), none of them to a destination taken from the input.
     */
    static final SilentCloseable CONNECTIONS_ALLOWED = BugDetectors.allowNetworkConnections();

    static final FuzzedService FUZZED =
        FuzzedService.of(
            ApplicationContext.run(
                Map.of("propensity.training.feature-service", "127.0.0.1:1"), "test"),
            ModelRegistryServiceGrpc.getServiceDescriptor(),
            TrainingServiceGrpc.getServiceDescriptor());
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
