package io.propensity.client.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.propensity.client.ClientOptions;
import io.propensity.client.HealthClient;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelSecurityTest {
  @TempDir Path dir;
  private SecurityDirectory stack;
  private Server server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> clientNames = new CopyOnWriteArrayList<>();

  @BeforeEach
  void stackCertificates() {
    stack = new SecurityDirectory(dir.resolve("security"));
    stack.init(List.of(), false);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** A health server on loopback that records each call's authorization header and client CN. */
  private String start(ServerCredentials credentials) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    ServerInterceptor recorder =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String auth = headers.get(BearerToken.AUTHORIZATION);
            authorizations.add(auth == null ? "(none)" : auth);
            SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            try {
              if (ssl != null && ssl.getPeerCertificates().length > 0) {
                clientNames.add(
                    ((X509Certificate) ssl.getPeerCertificates()[0])
                        .getSubjectX500Principal()
                        .getName());
              }
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
              clientNames.add("(no certificate)");
            }
            return Contexts.interceptCall(io.grpc.Context.current(), call, headers, next);
          }
        };
    server =
        Grpc.newServerBuilderForPort(0, credentials)
            .addService(ServerInterceptors.intercept(health.getHealthService(), recorder))
            .build()
            .start();
    return "127.0.0.1:" + server.getPort();
  }

  private ServerCredentials tlsServer(TlsServerCredentials.ClientAuth clientAuth) throws Exception {
    return TlsServerCredentials.newBuilder()
        .keyManager(
            stack.certFile("feature-service").toFile(), stack.keyFile("feature-service").toFile())
        .trustManager(stack.caFile().toFile())
        .clientAuth(clientAuth)
        .build();
  }

  private static <T> T on(ChannelSecurity security, String target, Function<ManagedChannel, T> f) {
    ManagedChannel ch = security.open(target);
    try {
      return f.apply(ch);
    } finally {
      ch.shutdownNow();
    }
  }

  private static ServingStatus check(ManagedChannel ch) {
    return new HealthClient(ch, Duration.ofSeconds(10)).check().getStatus();
  }

  @Test
  void aTlsChannelTrustingTheStackCaSendsTheBearerTokenOnEveryCall() throws Exception {
    String target = start(tlsServer(TlsServerCredentials.ClientAuth.OPTIONAL));

    ChannelSecurity admin = stack.adminClient();
    assertThat(on(admin, target, ChannelSecurityTest::check)).isEqualTo(ServingStatus.SERVING);
    assertThat(on(admin, target, ChannelSecurityTest::check)).isEqualTo(ServingStatus.SERVING);

    String token = SecurityDirectory.readToken(stack.adminTokenFile());
    assertThat(authorizations).containsExactly("Bearer " + token, "Bearer " + token);
    assertThat(clientNames).containsExactly("(no certificate)", "(no certificate)");
  }

  @Test
  void aServiceChannelPresentsItsCertificateForMutualTls() throws Exception {
    String target = start(tlsServer(TlsServerCredentials.ClientAuth.REQUIRE));

    assertThat(on(stack.serviceClient("inference-service"), target, ChannelSecurityTest::check))
        .isEqualTo(ServingStatus.SERVING);

    assertThat(clientNames).singleElement().asString().contains("CN=inference-service");
    assertThat(authorizations).containsExactly("(none)");
    // without a client certificate a server that requires one refuses the handshake
    assertThatThrownBy(
            () -> on(ChannelSecurity.tls(stack.caFile()), target, ChannelSecurityTest::check))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aPlaintextClientCannotTalkToATlsServer() throws Exception {
    String target = start(tlsServer(TlsServerCredentials.ClientAuth.OPTIONAL));

    assertThatThrownBy(() -> on(ChannelSecurity.plaintext(), target, ChannelSecurityTest::check))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(authorizations).isEmpty();
  }

  @Test
  void aServerWhoseCertificateIsNotSignedByTheTrustedCaIsRefused() throws Exception {
    String target = start(tlsServer(TlsServerCredentials.ClientAuth.OPTIONAL));
    SecurityDirectory other = new SecurityDirectory(dir.resolve("other"));
    other.init(List.of(), false);

    assertThatThrownBy(() -> on(other.adminClient(), target, ChannelSecurityTest::check))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    // the token never reached the impostor
    assertThat(authorizations).isEmpty();
  }

  @Test
  void aBearerTokenIsNeverSentOverPlaintext() throws Exception {
    String target = start(InsecureServerCredentials.create());
    ChannelSecurity insecure = ChannelSecurity.plaintext();
    ManagedChannel ch = insecure.open(target);
    try {
      assertThat(check(ch)).isEqualTo(ServingStatus.SERVING);
      ClientOptions withToken =
          ClientOptions.deadline(Duration.ofSeconds(10)).withCredentials(new BearerToken("secret"));
      assertThatThrownBy(() -> new HealthClient(ch, withToken).check())
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("UNAUTHENTICATED")
          .hasMessageContaining("without TLS");
    } finally {
      ch.shutdownNow();
    }
    assertThat(authorizations).containsExactly("(none)");
  }

  @Test
  void insecureExcludesCredentialsAndAMissingFileIsNamed() {
    assertThatThrownBy(() -> ChannelSecurity.plaintext().withToken("t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("insecure");
    assertThatThrownBy(() -> ChannelSecurity.tls(dir.resolve("nope.pem")).open("127.0.0.1:1"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("nope.pem");
    assertThat(stack.adminClient().toString())
        .doesNotContain(SecurityDirectory.readToken(stack.adminTokenFile()));
  }
}
