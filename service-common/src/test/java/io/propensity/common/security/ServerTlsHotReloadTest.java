package io.propensity.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.propensity.client.security.LocalCa;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsHotReloadTest {
  @TempDir Path dir;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Server server;
  private ServerTls tls;

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (tls != null) {
      tls.close();
    }
  }

  @Test
  void newConnectionsSeeReplacedCertificatesWhileOpenOnesKeepWorking() throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server-key.pem");
    Path caFile = dir.resolve("ca.pem");
    LocalCa oldCa = LocalCa.create("old-ca", Duration.ofDays(1));
    oldCa.issueForService("feature-service", Duration.ofDays(1)).write(cert, key);
    oldCa.write(caFile, dir.resolve("ca-key.pem"));
    Path oldCaCopy = dir.resolve("old-ca.pem");
    oldCa.write(oldCaCopy, dir.resolve("old-ca-key.pem"));
    LocalCa.Issued oldClient = oldCa.issue("old-client", List.of(), List.of(), Duration.ofDays(1));
    start(cert, key, caFile, "require");

    ManagedChannel opened = channel(oldCaCopy, oldClient, "old");
    assertThat(health(opened)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    LocalCa newCa = LocalCa.create("new-ca", Duration.ofDays(1));
    Path newCaCopy = dir.resolve("new-ca.pem");
    newCa.write(newCaCopy, dir.resolve("new-ca-key.pem"));
    LocalCa.Issued newClient = newCa.issue("new-client", List.of(), List.of(), Duration.ofDays(1));
    // key first: the key manager re-reads only once both files changed, so it never pairs the
    // new certificate with the old key
    LocalCa.Issued newServer = newCa.issueForService("feature-service", Duration.ofDays(1));
    newServer.write(dir.resolve("next.pem"), key);
    newServer.write(cert, dir.resolve("next-key.pem"));
    newCa.write(caFile, dir.resolve("ca-key.pem"));

    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> health(channel(newCaCopy, newClient, "new")),
            s -> s == HealthCheckResponse.ServingStatus.SERVING);

    // the connection opened before the change still answers
    assertThat(health(opened)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    // and a new connection that only trusts the old CA no longer gets through
    assertThatThrownBy(() -> health(channel(oldCaCopy, oldClient, "old-again")))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void optionalClientAuthAcceptsAServerOnlyTlsClient() throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server-key.pem");
    Path caFile = dir.resolve("ca.pem");
    LocalCa ca = LocalCa.create("ca", Duration.ofDays(1));
    ca.issueForService("feature-service", Duration.ofDays(1)).write(cert, key);
    ca.write(caFile, dir.resolve("ca-key.pem"));
    start(cert, key, caFile, "optional");

    assertThat(health(channel(caFile, null, "token-client")))
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    ManagedChannel plaintext =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    channels.add(plaintext);
    assertThatThrownBy(() -> health(plaintext)).isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefusedAtTheHandshake() throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server-key.pem");
    Path caFile = dir.resolve("ca.pem");
    LocalCa ca = LocalCa.create("ca", Duration.ofDays(1));
    ca.issueForService("feature-service", Duration.ofDays(1)).write(cert, key);
    ca.write(caFile, dir.resolve("ca-key.pem"));
    start(cert, key, caFile, "optional");
    LocalCa stranger = LocalCa.create("stranger-ca", Duration.ofDays(1));

    ManagedChannel foreign =
        channel(
            caFile,
            stranger.issue("inference-service", List.of(), List.of(), Duration.ofDays(1)),
            "foreign");
    assertThatThrownBy(() -> health(foreign)).isInstanceOf(StatusRuntimeException.class);
  }

  private void start(Path cert, Path key, Path ca, String clientAuth) throws Exception {
    tls =
        ServerTls.start(
            new TlsConfiguration(
                cert.toString(),
                key.toString(),
                ca.toString(),
                clientAuth,
                Duration.ofMillis(100)));
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(tls.sslContext())
            .addService(new HealthStatusManager().getHealthService())
            .build()
            .start();
  }

  private ManagedChannel channel(Path trusted, LocalCa.Issued identity, String name)
      throws Exception {
    var ssl = GrpcSslContexts.forClient().trustManager(trusted.toFile());
    if (identity != null) {
      Path c = dir.resolve(name + "-client.pem");
      Path k = dir.resolve(name + "-client-key.pem");
      identity.write(c, k);
      ssl.keyManager(c.toFile(), k.toFile());
    }
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .sslContext(ssl.build())
            .build();
    channels.add(channel);
    return channel;
  }

  private static HealthCheckResponse.ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }
}
