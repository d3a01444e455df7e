package io.propensity.client.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaTest {
  @TempDir Path dir;

  @Test
  void issuedCertificatesCompleteAMutualTlsHandshakeAndAStrangerIsRefused() throws Exception {
    LocalCa ca = LocalCa.create("test CA", Duration.ofDays(1));
    ca.write(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    LocalCa reloaded = LocalCa.load(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    reloaded
        .issueForService("feature-service", Duration.ofDays(1))
        .write(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
    reloaded
        .issue("cli", List.of(), List.of(), Duration.ofDays(1))
        .write(dir.resolve("client.pem"), dir.resolve("client-key.pem"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("client-key.pem"))).hasSize(2);

    ServerCredentials sc =
        TlsServerCredentials.newBuilder()
            .keyManager(dir.resolve("server.pem").toFile(), dir.resolve("server-key.pem").toFile())
            .trustManager(dir.resolve("ca.pem").toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
            .build();
    HealthStatusManager health = new HealthStatusManager();
    Server server =
        Grpc.newServerBuilderForPort(0, sc).addService(health.getHealthService()).build().start();
    try {
      ChannelCredentials cc =
          TlsChannelCredentials.newBuilder()
              .keyManager(
                  dir.resolve("client.pem").toFile(), dir.resolve("client-key.pem").toFile())
              .trustManager(dir.resolve("ca.pem").toFile())
              .build();
      ManagedChannel ok = Grpc.newChannelBuilder("localhost:" + server.getPort(), cc).build();
      try {
        assertThat(
                HealthGrpc.newBlockingStub(ok)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        ok.shutdownNow();
      }

      LocalCa.create("another CA", Duration.ofDays(1))
          .issue("stranger", List.of(), List.of(), Duration.ofDays(1))
          .write(dir.resolve("stranger.pem"), dir.resolve("stranger-key.pem"));
      ChannelCredentials stranger =
          TlsChannelCredentials.newBuilder()
              .keyManager(
                  dir.resolve("stranger.pem").toFile(), dir.resolve("stranger-key.pem").toFile())
              .trustManager(dir.resolve("ca.pem").toFile())
              .build();
      ManagedChannel bad =
          Grpc.newChannelBuilder("localhost:" + server.getPort(), stranger).build();
      try {
        assertThatThrownBy(
                () ->
                    HealthGrpc.newBlockingStub(bad)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()))
            .isInstanceOf(StatusRuntimeException.class);
      } finally {
        bad.shutdownNow();
      }
    } finally {
      server.shutdownNow();
    }
  }
}
