package io.propensity.client.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import io.propensity.client.InferenceServiceClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.Prediction;

/** Channels to several replicas: calls spread over them, and a stopped replica is skipped. */
class ReplicaTargetsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private final List<Replica> replicas = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** A real (loopback TCP) inference "replica" that answers Predict with its own number. */
  private static final class Replica extends InferenceServiceGrpc.InferenceServiceImplBase {
    final int number;
    final AtomicInteger calls = new AtomicInteger();
    final Server server;

    Replica(int number) throws IOException {
      this(number, InsecureServerCredentials.create());
    }

    Replica(int number, ServerCredentials credentials) throws IOException {
      this.number = number;
      this.server = Grpc.newServerBuilderForPort(0, credentials).addService(this).build().start();
    }

    String address() {
      return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
      calls.incrementAndGet();
      out.onNext(
          PredictResponse.newBuilder()
              .setPrediction(Prediction.newBuilder().setModelVersion(number))
              .build());
      out.onCompleted();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Replica r : replicas) {
      r.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private Replica replica() throws IOException {
    Replica r = new Replica(replicas.size() + 1);
    replicas.add(r);
    return r;
  }

  private InferenceServiceClient client(String target) {
    ManagedChannel ch = ChannelSecurity.plaintext().open(target);
    channels.add(ch);
    return new InferenceServiceClient(ch, DEADLINE);
  }

  private static long predict(InferenceServiceClient client) {
    return client.predict(PredictRequest.getDefaultInstance()).getPrediction().getModelVersion();
  }

  /** Calls until every replica has answered once: round_robin only picks connected replicas. */
  private void untilEveryReplicaAnswered(InferenceServiceClient client) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (replicas.stream().anyMatch(r -> r.calls.get() == 0)) {
      assertThat(System.nanoTime()).as("every replica answers within 10 s").isLessThan(deadline);
      predict(client);
    }
    replicas.forEach(r -> r.calls.set(0));
  }

  @Test
  void anAddressListSpreadsCallsEvenlyOverTheReplicas() throws IOException {
    Replica a = replica();
    Replica b = replica();
    InferenceServiceClient client = client(a.address() + "," + b.address());
    untilEveryReplicaAnswered(client);

    List<Long> answeredBy = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      answeredBy.add(predict(client));
    }

    assertThat(a.calls.get()).isEqualTo(20);
    assertThat(b.calls.get()).isEqualTo(20);
    // round_robin alternates: no replica answers twice in a row
    for (int i = 1; i < answeredBy.size(); i++) {
      assertThat(answeredBy.get(i)).isNotEqualTo(answeredBy.get(i - 1));
    }
  }

  @Test
  void callsKeepSucceedingRightAfterAReplicaStops() throws Exception {
    Replica a = replica();
    Replica b = replica();
    Replica c = replica();
    InferenceServiceClient client = client(a.address() + ", " + b.address() + " , " + c.address());
    untilEveryReplicaAnswered(client);

    b.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    // No waiting for the channel to notice: a call picked for the stopped replica fails with
    // UNAVAILABLE and is retried on another one.
    for (int i = 0; i < 60; i++) {
      assertThat(predict(client)).isIn(1L, 3L);
    }
    assertThat(b.calls.get()).isZero();
    assertThat(a.calls.get()).isGreaterThanOrEqualTo(20);
    assertThat(c.calls.get()).isGreaterThanOrEqualTo(20);
  }

  @Test
  void withEveryReplicaDownACallFailsAtOnceInsteadOfWaitingForItsDeadline() throws Exception {
    Replica a = replica();
    Replica b = replica();
    InferenceServiceClient client = client(a.address() + "," + b.address());
    untilEveryReplicaAnswered(client);
    a.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    b.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

    long start = System.nanoTime();
    assertThatThrownBy(() -> predict(client))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aDnsTargetIsBalancedOverTheAddressesTheNameResolvesTo() throws IOException {
    Replica a = replica();
    InferenceServiceClient client = client("dns:///localhost:" + a.server.getPort());
    assertThat(predict(client)).isEqualTo(1L);
    assertThat(ReplicaTargets.isReplicated("dns:///localhost:1")).isTrue();
  }

  @Test
  void aPlainAddressStaysAPlainTarget() {
    assertThat(ReplicaTargets.isReplicated("127.0.0.1:50053")).isFalse();
    assertThat(ReplicaTargets.channelTarget("127.0.0.1:50053")).isEqualTo("127.0.0.1:50053");
    assertThat(ReplicaTargets.channelTarget("a:1, b:2")).isEqualTo("replicas:///a:1,b:2");
  }

  @Test
  void aBadEntryOfAListIsNamed() {
    assertThatThrownBy(() -> ChannelSecurity.plaintext().open("a:1,b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 2 ('b') of the address list 'a:1,b' is not host:port");
    assertThatThrownBy(() -> ChannelSecurity.plaintext().open("a:1,b:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no numeric port");
    assertThatThrownBy(() -> ChannelSecurity.plaintext().open("a:1,"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 2 ('')");
  }

  @Test
  void overTlsEachReplicaIsVerifiedAgainstItsOwnHostInTheList(@TempDir Path dir) throws Exception {
    SecurityDirectory stack = new SecurityDirectory(dir.resolve("security"));
    stack.init(List.of(), false);
    ServerCredentials tls =
        TlsServerCredentials.newBuilder()
            .keyManager(
                stack.certFile("inference-service").toFile(),
                stack.keyFile("inference-service").toFile())
            .trustManager(stack.caFile().toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
            .build();
    Replica listed = new Replica(1, tls);
    Replica unlisted = new Replica(2, tls);
    replicas.add(listed);
    replicas.add(unlisted);
    // The certificate names localhost and 127.0.0.1, not 127.0.0.2 (also loopback on Linux): the
    // second replica fails its own host check, and is never given a call, although the first
    // entry's name would have passed.
    ManagedChannel ch =
        stack
            .adminClient()
            .open(
                "127.0.0.1:" + listed.server.getPort() + ",127.0.0.2:" + unlisted.server.getPort());
    channels.add(ch);
    InferenceServiceClient client = new InferenceServiceClient(ch, DEADLINE);
    for (int i = 0; i < 10; i++) {
      assertThat(predict(client)).isEqualTo(1L);
    }
    assertThat(unlisted.calls.get()).isZero();

    ManagedChannel both =
        stack
            .adminClient()
            .open(
                "127.0.0.1:" + listed.server.getPort() + ",localhost:" + unlisted.server.getPort());
    channels.add(both);
    InferenceServiceClient balanced = new InferenceServiceClient(both, DEADLINE);
    listed.calls.set(0);
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (unlisted.calls.get() == 0) {
      assertThat(System.nanoTime())
          .as("localhost replica answers within 10 s")
          .isLessThan(deadline);
      predict(balanced);
    }
  }
}
