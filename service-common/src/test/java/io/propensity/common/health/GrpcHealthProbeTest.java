package io.propensity.common.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcHealthProbeTest {
  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private String target;

  @BeforeEach
  void start() throws IOException {
    server = ServerBuilder.forPort(0).addService(health.getHealthService()).build().start();
    target = "127.0.0.1:" + server.getPort();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @Test
  void servingServerIsHealthy() {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    assertThat(GrpcHealthProbe.probe(target))
        .isEqualTo(new GrpcHealthProbe.Result(0, target + " SERVING"));
  }

  @Test
  void notServingIsUnhealthyUnlessOnlyLivenessIsAsked() {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    assertThat(GrpcHealthProbe.probe(target).exitCode()).isEqualTo(1);
    assertThat(GrpcHealthProbe.probe("--alive", target).exitCode()).isZero();
  }

  @Test
  void aNamedServiceIsAskedForItsOwnStatus() {
    health.setStatus("x.v1.XService", ServingStatus.SERVING);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    assertThat(GrpcHealthProbe.probe(target, "x.v1.XService").exitCode()).isZero();
  }

  @Test
  void silentPortIsUnhealthy() throws IOException {
    int free;
    try (ServerSocket s = new ServerSocket(0)) {
      free = s.getLocalPort();
    }
    GrpcHealthProbe.Result r = GrpcHealthProbe.probe("--deadline-ms=2000", "127.0.0.1:" + free);
    assertThat(r.exitCode()).isEqualTo(1);
    // UNAVAILABLE (connection refused) on an idle machine, DEADLINE_EXCEEDED on a very busy one
    assertThat(r.message()).contains("does not answer:");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(GrpcHealthProbe.probe("--nope").exitCode()).isEqualTo(2);
  }
}
