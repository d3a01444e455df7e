package io.propensity.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.netty.handler.ssl.SslContextBuilder;
import io.propensity.client.security.LocalCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every service's gRPC port must do when it is not insecure, run against the real service (its
 * Micronaut context, TLS on loopback, certificates from a {@link LocalCa}): one subclass per
 * service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerSecurityContract {
  /** The directory of this run's CA, certificates and principals file. */
  protected Path securityDir;

  /** The CA that signed the service's certificate and the clients' certificates. */
  protected LocalCa ca;

  /** The running service's context. */
  protected ApplicationContext context;

  /** The running service's gRPC port. */
  protected int port;

  private final List<ManagedChannel> channels = new ArrayList<>();

  /** The service's name: the CN of its certificate. */
  protected abstract String serviceName();

  /** Properties the service needs besides security (data directories, stubbed neighbours). */
  protected Map<String, Object> serviceProperties() {
    return Map.of();
  }

  @BeforeAll
  void startSecuredService() throws Exception {
    securityDir = Files.createTempDirectory("propensity-security-");
    ca = LocalCa.create("propensity-test-ca", Duration.ofDays(1));
    ca.write(securityDir.resolve("ca.pem"), securityDir.resolve("ca-key.pem"));
    ca.issueForService(serviceName(), Duration.ofDays(1))
        .write(
            securityDir.resolve(serviceName() + ".pem"),
            securityDir.resolve(serviceName() + "-key.pem"));
    Map<String, Object> props = new HashMap<>(serviceProperties());
    props.put("propensity.security.insecure", "false");
    props.put(
        "propensity.security.tls.cert-file",
        securityDir.resolve(serviceName() + ".pem").toString());
    props.put(
        "propensity.security.tls.key-file",
        securityDir.resolve(serviceName() + "-key.pem").toString());
    props.put("propensity.security.tls.ca-file", securityDir.resolve("ca.pem").toString());
    props.putAll(securityProperties());
    context = ApplicationContext.builder().properties(props).environments("test").start();
    GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
    if (!server.isRunning()) {
      server.start();
    }
    port = server.getPort();
  }

  /** Further {@code propensity.security.*} properties (authentication sources). */
  protected Map<String, Object> securityProperties() {
    return Map.of();
  }

  @AfterAll
  void stopService() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (context != null) {
      context.close();
    }
  }

  @Test
  void healthAnswersOverTlsWithoutCredentials() throws Exception {
    // any answer will do: a service without a model yet is NOT_SERVING, and says so
    assertThat(health(tlsChannel(null)))
        .isIn(
            HealthCheckResponse.ServingStatus.SERVING,
            HealthCheckResponse.ServingStatus.NOT_SERVING);
  }

  @Test
  void aPlaintextClientFailsAgainstTheTlsPort() {
    ManagedChannel plaintext =
        track(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    assertThatThrownBy(() -> health(plaintext)).isInstanceOf(StatusRuntimeException.class);
  }

  /**
   * A TLS channel to the service that trusts the test CA; with {@code clientCommonName}, it
   * presents a client certificate of that CN signed by the CA (mutual TLS).
   */
  protected ManagedChannel tlsChannel(String clientCommonName) throws Exception {
    SslContextBuilder ssl =
        GrpcSslContexts.forClient().trustManager(securityDir.resolve("ca.pem").toFile());
    if (clientCommonName != null) {
      Path cert = securityDir.resolve("client-" + clientCommonName + ".pem");
      Path key = securityDir.resolve("client-" + clientCommonName + "-key.pem");
      if (!Files.exists(cert)) {
        ca.issue(clientCommonName, List.of(), List.of(), Duration.ofDays(1)).write(cert, key);
      }
      ssl.keyManager(cert.toFile(), key.toFile());
    }
    return track(NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build());
  }

  private ManagedChannel track(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  private static HealthCheckResponse.ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }
}
