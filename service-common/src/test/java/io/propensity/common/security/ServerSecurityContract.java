package io.propensity.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.netty.handler.ssl.SslContextBuilder;
import io.propensity.client.security.LocalCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.options.v1.OptionsProto;

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

  /** The scopes of the contract; the suite makes one token holding only each. */
  protected static final List<String> SCOPES =
      List.of("ingest", "read-features", "predict", "train", "registry:write", "promote", "admin");

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Set<String> HEALTH_AND_REFLECTION =
      Set.of(
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection");

  private ECPrivateKey jwtKey;
  private ManagedChannel tokenChannel;

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
    props.put("propensity.security.auth.principals-file", writePrincipals().toString());
    props.put("propensity.security.auth.jwt.public-key-files", writeJwtKey().toString());
    props.put("propensity.security.auth.jwt.issuer", "propensity-test-issuer");
    props.put("propensity.security.auth.jwt.audience", "propensity");
    context = ApplicationContext.builder().properties(props).environments("test").start();
    GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
    if (!server.isRunning()) {
      server.start();
    }
    port = server.getPort();
    tokenChannel = tlsChannel(null);
  }

  /** One token per scope holding only it, one holding all but it, and the mTLS client's CN. */
  private Path writePrincipals() throws Exception {
    StringBuilder b = new StringBuilder("# kind name scopes credential\n");
    for (String scope : SCOPES) {
      b.append("token only-")
          .append(scope)
          .append(' ')
          .append(scope)
          .append(' ')
          .append(PrincipalsFile.hashToken(onlyToken(scope)))
          .append('\n');
      String others =
          SCOPES.stream().filter(x -> !x.equals(scope)).collect(Collectors.joining(","));
      b.append("token all-but-")
          .append(scope)
          .append(' ')
          .append(others)
          .append(' ')
          .append(PrincipalsFile.hashToken(allButToken(scope)))
          .append('\n');
    }
    b.append("cert mtls-client * mtls-client\n");
    Path file = securityDir.resolve("principals.txt");
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    return file;
  }

  private Path writeJwtKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    jwtKey = (ECPrivateKey) pair.getPrivate();
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    Path file = securityDir.resolve("jwt-public.pem");
    Files.writeString(file, pem, StandardCharsets.US_ASCII);
    return file;
  }

  private static String onlyToken(String scope) {
    return "test-token-only-" + scope;
  }

  private static String allButToken(String scope) {
    return "test-token-all-but-" + scope;
  }

  /** A JWT signed by the configured key, valid from now to {@code expiresIn} from now. */
  protected String jwt(String subject, List<String> scopes, Duration expiresIn) throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.ES256),
            new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer("propensity-test-issuer")
                .audience("propensity")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(expiresIn)))
                .claim("scope", String.join(" ", scopes))
                .build());
    jwt.sign(new ECDSASigner(jwtKey));
    return jwt.serialize();
  }

  /** Every RPC of the service's own contracts, by full method name, with its declared scope. */
  protected Map<String, Rpc> rpcs() {
    Map<String, Rpc> rpcs = new LinkedHashMap<>();
    GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
    for (ServerServiceDefinition service : server.getServer().getServices()) {
      if (HEALTH_AND_REFLECTION.contains(service.getServiceDescriptor().getName())) {
        continue;
      }
      for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
        MethodDescriptor<?, ?> md = m.getMethodDescriptor();
        String scope = "";
        if (md.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier s) {
          scope = s.getMethodDescriptor().getOptions().getExtension(OptionsProto.requiredScope);
        }
        rpcs.put(md.getFullMethodName(), new Rpc(md, scope));
      }
    }
    return rpcs;
  }

  /** One RPC as the server exposes it. */
  protected record Rpc(MethodDescriptor<?, ?> method, String scope) {}

  /**
   * Calls every RPC at once with an empty request and the given authorization header, and returns
   * how each call ended (a call the server keeps open ends by its short deadline).
   */
  protected Map<String, Status> callAll(
      ManagedChannel channel, Map<String, Rpc> rpcs, java.util.function.Function<Rpc, String> auth)
      throws Exception {
    Map<String, CompletableFuture<Status>> pending = new LinkedHashMap<>();
    for (Map.Entry<String, Rpc> e : rpcs.entrySet()) {
      pending.put(e.getKey(), call(channel, e.getValue(), auth.apply(e.getValue())));
    }
    Map<String, Status> ended = new LinkedHashMap<>();
    for (Map.Entry<String, CompletableFuture<Status>> e : pending.entrySet()) {
      ended.put(e.getKey(), e.getValue().get(30, TimeUnit.SECONDS));
    }
    return ended;
  }

  @SuppressWarnings("unchecked")
  private static <Q, R> CompletableFuture<Status> call(
      ManagedChannel channel, Rpc rpc, String authorization) {
    MethodDescriptor<Q, R> md = (MethodDescriptor<Q, R>) rpc.method();
    Q empty =
        ((MethodDescriptor.PrototypeMarshaller<Q>) md.getRequestMarshaller()).getMessagePrototype();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    ClientCall<Q, R> call =
        channel.newCall(md, CallOptions.DEFAULT.withDeadlineAfter(4, TimeUnit.SECONDS));
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(AUTHORIZATION, authorization);
    }
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(R message) {
            call.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            ended.complete(status);
          }
        },
        headers);
    call.request(1);
    call.sendMessage(empty);
    call.halfClose();
    return ended;
  }

  private static boolean refusedByAuth(Status s) {
    return s.getCode() == Status.Code.UNAUTHENTICATED
        || s.getCode() == Status.Code.PERMISSION_DENIED;
  }

  @Test
  void everyRpcDeclaresAScope() {
    Map<String, Rpc> rpcs = rpcs();
    assertThat(rpcs).isNotEmpty();
    assertThat(rpcs.values()).allSatisfy(r -> assertThat(SCOPES).contains(r.scope()));
  }

  @Test
  void everyRpcRefusesACallerWithoutCredentials() throws Exception {
    Map<String, Rpc> rpcs = rpcs();
    Map<String, Status> ended = callAll(tokenChannel, rpcs, r -> null);
    assertThat(ended)
        .allSatisfy(
            (method, status) -> {
              assertThat(status.getCode()).as(method).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(status.getDescription())
                  .as(method)
                  .isEqualTo(
                      "credentials required: this call needs scope " + rpcs.get(method).scope());
            });
  }

  @Test
  void everyRpcRefusesAnUnknownTokenWithoutSayingWhy() throws Exception {
    Map<String, Status> ended = callAll(tokenChannel, rpcs(), r -> "Bearer not-a-known-token");
    assertThat(ended)
        .allSatisfy(
            (method, status) -> {
              assertThat(status.getCode()).as(method).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(status.getDescription()).as(method).doesNotContain("token");
            });
  }

  @Test
  void everyRpcRefusesATokenLackingItsScope() throws Exception {
    Map<String, Rpc> rpcs = rpcs();
    Map<String, Status> ended =
        callAll(tokenChannel, rpcs, r -> "Bearer " + allButToken(r.scope()));
    assertThat(ended)
        .allSatisfy(
            (method, status) -> {
              assertThat(status.getCode()).as(method).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(status.getDescription())
                  .as(method)
                  .isEqualTo("this call needs scope " + rpcs.get(method).scope());
            });
  }

  @Test
  void everyRpcLetsThroughATokenHoldingOnlyItsScope() throws Exception {
    Map<String, Status> ended =
        callAll(tokenChannel, rpcs(), r -> "Bearer " + onlyToken(r.scope()));
    assertThat(ended)
        .allSatisfy(
            (method, status) ->
                assertThat(refusedByAuth(status)).as(method + " " + status).isFalse());
  }

  @Test
  void everyRpcLetsThroughAListedClientCertificate() throws Exception {
    Map<String, Status> ended = callAll(tlsChannel("mtls-client"), rpcs(), r -> null);
    assertThat(ended)
        .allSatisfy(
            (method, status) ->
                assertThat(refusedByAuth(status)).as(method + " " + status).isFalse());
  }

  @Test
  void aClientCertificateNotListedIsRefused() throws Exception {
    Map<String, Status> ended = callAll(tlsChannel("stranger"), rpcs(), r -> null);
    assertThat(ended)
        .allSatisfy(
            (method, status) ->
                assertThat(status.getCode()).as(method).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void everyRpcLetsThroughAJwtWithItsScope() throws Exception {
    String token = jwt("jwt-user", SCOPES, Duration.ofMinutes(5));
    Map<String, Status> ended = callAll(tokenChannel, rpcs(), r -> "Bearer " + token);
    assertThat(ended)
        .allSatisfy(
            (method, status) ->
                assertThat(refusedByAuth(status)).as(method + " " + status).isFalse());
  }

  @Test
  void anExpiredJwtIsRefusedAndCounted() throws Exception {
    String token = jwt("jwt-user", SCOPES, Duration.ofMinutes(-5));
    Map<String, Status> ended = callAll(tokenChannel, rpcs(), r -> "Bearer " + token);
    assertThat(ended)
        .allSatisfy(
            (method, status) -> {
              assertThat(status.getCode()).as(method).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(status.getDescription()).as(method).doesNotContain("expire");
            });
    MeterRegistry meters = context.getBean(MeterRegistry.class);
    assertThat(meters.find("propensity.auth.denied").tag("reason", "jwt_expired").counters())
        .isNotEmpty();
  }

  @Test
  void reflectionNeedsAnyAuthenticatedCaller() throws Exception {
    assertThatThrownBy(
            () ->
                io.propensity.common.grpc.ServiceConventionsChecks.reflectedServices(tokenChannel))
        .hasStackTraceContaining("UNAUTHENTICATED");
    ManagedChannel withCert = tlsChannel("mtls-client");
    assertThat(io.propensity.common.grpc.ServiceConventionsChecks.reflectedServices(withCert))
        .contains("grpc.health.v1.Health");
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
