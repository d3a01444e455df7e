package io.propensity.inference.grpc;

import static org.awaitility.Awaitility.await;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micronaut.context.ApplicationContext;
import io.propensity.common.testing.FuzzedCalls;
import io.propensity.common.testing.FuzzedService;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import java.time.Duration;
import java.util.Map;
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
    static final FuzzedService FUZZED;

    static {
      REGISTRY.promote(MODEL, REGISTRY.register(MODEL, TestModels.train(10, 7, 1)));
      ApplicationContext context =
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
      FUZZED = FuzzedService.of(context, InferenceServiceGrpc.getServiceDescriptor());
      ServedModels served = context.getBean(ServedModels.class);
      // polled on this thread: a lambda of a class being initialized blocks any other thread
      await()
          .pollInSameThread()
          .atMost(Duration.ofSeconds(120))
          .until(() -> served.currentVersion(MODEL).isPresent());
    }
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
      Service.REGISTRY.close();
      Service.FEATURES.close();
    }
  }
}
